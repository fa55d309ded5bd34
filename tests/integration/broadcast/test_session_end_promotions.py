"""Ending a session closes its promotions on the server: the open lucky draw is drawn from the
entries it has (and announced in the room), each coupon drop gets `closed_at` (and the room's card
says so); claims and entries are refused after. A read closes a draw whose session ended even
before the session-end consumer ran."""

from __future__ import annotations

from collections.abc import AsyncIterator
from types import SimpleNamespace

import httpx
import pytest
from litestar import Litestar

from broadcast.coupons.session_end import close_drops
from broadcast.lottery.session_end import close_open_draws
from server.app import create_app
from tests.app_settings import make_settings
from tests.factories import auth
from tests.factories_coupons import claim, dropped_coupon
from tests.factories_liveroom import LiveSetup, live_session, serving, viewer
from tests.factories_lottery import Visitor, enter, open_lottery, paid_order


def app_for(request: pytest.FixtureRequest, poll_ms: int) -> Litestar:
    if request.param == "memory-sqlite":
        from tests.database import empty_tables

        url = request.getfixturevalue("sqlite_url")
        empty_tables(url)
        return create_app(make_settings(url, outbox_poll_interval_ms=poll_ms))
    return create_app(
        make_settings(
            request.getfixturevalue("postgres_db_url"),
            outbox_poll_interval_ms=poll_ms,
            redis_url=request.getfixturevalue("redis_url"),
            redis_namespace=request.getfixturevalue("redis_namespace"),
        )
    )


@pytest.fixture(params=["memory-sqlite", "redis-postgres"])
def end_app(request: pytest.FixtureRequest) -> Litestar:
    return app_for(request, poll_ms=50)


@pytest.fixture
async def live(end_app: Litestar) -> AsyncIterator[LiveSetup]:
    async with serving(end_app) as host:
        yield await live_session(end_app, f"http://{host}", skus=1)


async def end(client: httpx.AsyncClient, live: LiveSetup, state: str = "ended") -> None:
    response = await client.post(
        f"/api/v1/sessions/{live.session_id}/state", json={"state": state}, headers=auth(live.brand_token)
    )
    assert response.status_code == 200, response.text


async def test_ending_the_show_draws_its_open_lottery_and_closes_its_coupon_drops(end_app: Litestar, live: LiveSetup):
    async with httpx.AsyncClient(base_url=live.http) as client, viewer(live.ws()) as room:
        await room.wait_for(lambda e: e["type"] == "snapshot")
        # given an open purchase draw with one entrant, and a dropped coupon
        buyer = Visitor()
        lottery = await open_lottery(client, live.brand_token, live.session_id, rule={"kind": "purchase"})
        await paid_order(end_app, live.brand_id, live.session_id, buyer)
        assert (await enter(client, live.session_id, lottery["id"], buyer)).status_code == 200
        shop = SimpleNamespace(token=live.brand_token, brand_id=live.brand_id, session_id=live.session_id)
        coupon = await dropped_coupon(client, shop)

        # when the brand ends the show
        await end(client, live)

        # then the room hears the draw drawn (the entrant won) and the coupon card closed
        drawn = await room.wait_for(lambda e: e["type"] == "lottery" and e["state"] == "closed")
        assert [w["handle"] for w in drawn["winners"]] and drawn["entrant_count"] == 1
        card = await room.wait_for(lambda e: e["type"] == "coupon" and e.get("closed_at"))
        assert card["coupon_id"] == coupon["id"]
        # and the API says the same to a late reader
        current = (await client.get(f"/api/v1/sessions/{live.session_id}/lotteries")).json()["lottery"]
        assert current["state"] == "closed"
        coupons = (await client.get(f"/api/v1/sessions/{live.session_id}/coupons")).json()["items"]
        assert coupons[0]["closed_at"] is not None
        # and nobody can claim or enter any more, with the reason
        refused = await claim(client, live.session_id, coupon["id"], Visitor().headers)
        assert refused.status_code == 409 and refused.json()["type"].endswith("/session-not-live")
        late = await enter(client, live.session_id, lottery["id"], Visitor())
        assert late.status_code == 409 and late.json()["type"].endswith("/lottery-closed")

        # and a redelivered session-ended event finds nothing left to close
        async with end_app.state.sessionmaker() as db:
            assert await close_open_draws(db, live.session_id) == []
            assert await close_drops(db, live.session_id) == []


@pytest.fixture(params=["memory-sqlite"])
def quiet_app(request: pytest.FixtureRequest) -> Litestar:
    return app_for(request, poll_ms=0)  # no dispatcher: the session-end consumers never run


async def test_a_read_closes_a_draw_whose_session_ended_before_the_consumer_ran(quiet_app: Litestar):
    async with serving(quiet_app) as host, httpx.AsyncClient(base_url=f"http://{host}") as client:
        live = await live_session(quiet_app, f"http://{host}", skus=1)
        lottery = await open_lottery(client, live.brand_token, live.session_id, rule={"kind": "purchase"})
        # when the session is ended and nothing has consumed the event yet
        await end(client, live)
        # then reading the room's draw closes it, and entering is refused as closed
        current = (await client.get(f"/api/v1/sessions/{live.session_id}/lotteries")).json()["lottery"]
        assert current["id"] == lottery["id"] and current["state"] == "closed"
        late = await enter(client, live.session_id, lottery["id"], Visitor())
        assert late.status_code == 409 and late.json()["type"].endswith("/lottery-closed")
