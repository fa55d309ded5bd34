"""Refused joins and opens change nothing: a full group (409 group-full), an expired one (409
group-expired), a second seat for the same visitor, an ended offer, another session's offer."""

from __future__ import annotations

import pytest

from server.kernel import clock
from tests.factories import auth, make_session
from tests.factories_checkout import make_shop
from tests.factories_groupbuy import buyer, join_group, make_offer, open_group, snapshot


@pytest.fixture
def settings(pg_only_settings):
    """PostgreSQL only: the refusals are decided by the same code on both databases (the suite stays fast)."""
    return pg_only_settings


def problem(response, status: int, slug: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["type"].endswith("/" + slug), response.text


async def test_joining_a_full_group_is_409_and_changes_nothing(app, client, localstripe):
    shop = await make_shop(app, client, stock=5)
    offer = await make_offer(client, shop, group_size=2)
    group = (await open_group(client, shop.session_id, offer["id"], buyer())).json()["group"]
    assert (await join_group(client, group["code"], buyer())).status_code == 201
    before = await snapshot(app)
    problem(await join_group(client, group["code"], buyer()), 409, "group-full")
    assert await snapshot(app) == before


async def test_joining_an_expired_group_is_409_and_changes_nothing(app, client, localstripe):
    shop = await make_shop(app, client, stock=5)
    offer = await make_offer(client, shop, group_size=3, window_minutes=5)
    group = (await open_group(client, shop.session_id, offer["id"], buyer())).json()["group"]
    clock.advance(5 * 60)  # exactly at expires_at: no longer joinable
    before = await snapshot(app)
    problem(await join_group(client, group["code"], buyer()), 409, "group-expired")
    assert await snapshot(app) == before


async def test_one_visitor_holds_one_seat_per_group(app, client, localstripe):
    shop = await make_shop(app, client, stock=5)
    offer = await make_offer(client, shop, group_size=4)
    opener, joiner = buyer(), buyer()
    seat = (await open_group(client, shop.session_id, offer["id"], opener, key="open-key-0001")).json()
    code = seat["group"]["code"]
    first = await join_group(client, code, joiner, key="join-key-0001")
    assert first.status_code == 201
    # a retry with the same key is the same seat and order, not a new one
    again = await join_group(client, code, joiner, key="join-key-0001")
    assert again.status_code == 201 and again.json()["order"]["id"] == first.json()["order"]["id"]
    retried = await open_group(client, shop.session_id, offer["id"], opener, key="open-key-0001")
    assert retried.json()["group"]["code"] == code and retried.json()["order"]["id"] == seat["order"]["id"]
    before = await snapshot(app)
    problem(await join_group(client, code, opener), 409, "already-in-group")
    problem(await join_group(client, code, joiner, key="join-key-0002"), 409, "already-in-group")
    assert await snapshot(app) == before
    assert (await client.get(f"/api/v1/groups/{code}")).json()["seats_taken"] == 2


async def test_an_ended_offer_neither_opens_nor_joins(app, client, localstripe):
    shop = await make_shop(app, client, stock=5)
    offer = await make_offer(client, shop, group_size=3)
    group = (await open_group(client, shop.session_id, offer["id"], buyer())).json()["group"]
    ended = await client.post(
        f"/api/v1/sessions/{shop.session_id}/group-offers/{offer['id']}/deactivate", headers=auth(shop.token)
    )
    assert ended.status_code == 200 and ended.json()["active"] is False
    before = await snapshot(app)
    problem(await open_group(client, shop.session_id, offer["id"], buyer()), 409, "group-offer-inactive")
    problem(await join_group(client, group["code"], buyer()), 409, "group-offer-inactive")
    assert await snapshot(app) == before
    listed = (await client.get(f"/api/v1/sessions/{shop.session_id}/group-offers")).json()
    assert listed == {"items": [], "next_cursor": None}


async def test_another_sessions_offer_and_unknown_groups_are_404(app, client, localstripe):
    shop = await make_shop(app, client, stock=5)
    offer = await make_offer(client, shop)
    other = await make_session(client, shop.token, shop.brand_id)
    before = await snapshot(app)
    problem(await open_group(client, other["id"], offer["id"], buyer()), 404, "not-found")
    problem(await join_group(client, "nosuchgroup1", buyer()), 404, "not-found")
    assert (await client.get("/api/v1/groups/nosuchgroup1")).status_code == 404
    bad_body = await client.post(
        f"/api/v1/sessions/{shop.session_id}/group-offers/{offer['id']}/groups",
        json={"contact": {"name": "x"}, "shipping_address": "1 Rd"},
        headers={**buyer(), "Idempotency-Key": "bad-body-0001"},
    )
    assert bad_body.status_code in (400, 422), bad_body.text
    assert await snapshot(app) == before
