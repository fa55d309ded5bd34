"""Double opt-in (issue 14): a new contact is sent a signed, single-use, expiring confirmation link
through the brand's notifier; only a confirmed contact gets the live reminder; a replayed, replaced,
forged or expired link is refused; one client address cannot flood the brand's messaging system."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from litestar.testing import AsyncTestClient

from broadcast.reminders.retention import forget_confirmation_addresses
from server.app import create_app
from server.kernel import clock
from tests.app_settings import make_settings
from tests.factories import auth, from_address, go_live, make_brand, make_session, make_token
from tests.factories_reminders import (
    confirm,
    confirmation_token,
    deliver,
    set_webhook,
    subscribe,
    viewer,
    webhook_receiver,
)

PROBLEMS = "https://zhixiang.dev/problems/"


async def scheduled_session(app: Any, client: Any) -> tuple[dict[str, Any], str, str]:
    admin = await make_token(app, "admin")
    brand = await make_brand(client, admin)
    token = await make_token(app, "brand", brand_id=brand["id"])
    return await make_session(client, token, brand["id"]), token, brand["id"]


def token_in(url: str) -> str:
    return parse_qs(urlsplit(url).query)["confirm"][0]


async def test_only_the_confirmed_contact_is_reminded(app, client):
    session, token, brand_id = await scheduled_session(app, client)
    with webhook_receiver() as receiver:
        receiver.secret = (await set_webhook(client, token, brand_id, receiver.url))["secret"]
        # given two viewers who subscribe: each is asked to confirm, nothing more
        ann, bo = viewer(), viewer()
        first = await subscribe(client, session["id"], ann, "sms", "+8613800138001", confirmed=False)
        assert first.status_code == 201 and first.json()["confirmed"] is False
        await subscribe(client, session["id"], bo, "sms", "+8613800138002", confirmed=False)
        assert (await deliver(app)).sent == 2
        asks = {c["body"]["address"]: c["body"] for c in receiver.calls}
        assert {b["kind"] for b in asks.values()} == {"confirmation"} and all(c["signed"] for c in receiver.calls)
        # when only Bo opens the link the brand's system sent and confirms
        link = asks["+8613800138002"]["confirm_url"]
        assert link.startswith(f"http://zx.test/live/{session['id']}?confirm=")
        confirmed = await confirm(client, token_in(link))
        assert confirmed.status_code == 200 and confirmed.json()["confirmed"] is True
        stats = (await client.get(f"/api/v1/sessions/{session['id']}/reminders/stats", headers=auth(token))).json()
        assert (stats["subscribed"], stats["confirmed"], stats["pending_confirmation"]) == (2, 1, 1)
        # and the session goes live
        await go_live(client, token, session["id"])
        await app.state.dispatcher.drain()
        assert (await deliver(app)).sent == 1
    # then only Bo is reminded
    reminders = [c["body"] for c in receiver.calls if c["body"]["kind"] == "reminder"]
    assert [r["address"] for r in reminders] == ["+8613800138002"]


async def test_a_replayed_replaced_forged_or_expired_link_is_refused(app, client):
    session, _, _ = await scheduled_session(app, client)
    sid = session["id"]
    # a used link is refused the second time
    ann = viewer()
    await subscribe(client, sid, ann, "email", "ann@example.com", confirmed=False)
    link = await confirmation_token(app, sid, ann)
    assert (await confirm(client, link)).status_code == 200
    replay = await confirm(client, link)
    assert (replay.status_code, replay.json()["type"]) == (409, PROBLEMS + "confirmation-used")
    # a link replaced by a changed contact no longer confirms (and the new contact is unconfirmed)
    bo = viewer()
    await subscribe(client, sid, bo, "email", "bo@example.com", confirmed=False)
    old = await confirmation_token(app, sid, bo)
    changed = await subscribe(client, sid, bo, "email", "bo2@example.com", confirmed=False)
    assert changed.json()["confirmed"] is False
    assert (await confirm(client, old)).json()["type"] == PROBLEMS + "confirmation-used"
    # a forged signature, or something that is not a token at all
    new = await confirmation_token(app, sid, bo)
    forged = new[:-4] + ("AAAA" if not new.endswith("AAAA") else "BBBB")
    assert (await confirm(client, forged)).status_code == 409
    assert (await confirm(client, "not-a-token-at-all")).json()["type"] == PROBLEMS + "confirmation-invalid"
    # an expired link is refused; subscribing again sends a fresh one that works
    clock.advance(25 * 3600)
    expired = await confirm(client, new)
    assert (expired.status_code, expired.json()["type"]) == (410, PROBLEMS + "confirmation-expired")
    await subscribe(client, sid, bo, "email", "bo2@example.com", confirmed=False)
    assert (await confirm(client, await confirmation_token(app, sid, bo))).status_code == 200


@pytest.fixture
def limited_app(db_url: str) -> Any:
    return create_app(
        make_settings(db_url, reminder_delivery_interval_s=0, reminder_subscriptions_per_client_per_hour=5)
    )


async def test_a_subscription_flood_from_one_address_is_refused(limited_app):
    app = limited_app
    async with AsyncTestClient(app=app) as client:
        session, _, _ = await scheduled_session(app, client)
        sid = session["id"]
        # when one address subscribes 8 phone numbers, each with a fresh cookie
        answers = [
            await subscribe(client, sid, viewer(), "sms", f"+86138001380{n:02d}", confirmed=False) for n in range(8)
        ]
        # then 5 are taken (5 confirmations asked) and the rest refused with when to retry
        assert [r.status_code for r in answers] == [201] * 5 + [429] * 3
        refused = answers[5]
        assert refused.json()["type"] == PROBLEMS + "reminder-subscriptions-exhausted"
        assert 3500 <= int(refused.headers["Retry-After"]) <= 3600
        # and unsubscribing does not give the address its budget back
        quitter = viewer()
        async with from_address(app, "198.51.100.20") as other:
            assert (await subscribe(other, sid, quitter, "sms", "+8613900000001", confirmed=False)).status_code == 201
            # while another address still subscribes
            await other.delete(f"/api/v1/sessions/{sid}/reminders", headers=quitter)
        assert (await subscribe(client, sid, viewer(), "sms", "+8613900000002", confirmed=False)).status_code == 429
        # an hour later the address may ask again, and the old requests' addresses are forgotten
        clock.advance(3601)
        async with app.state.sessionmaker() as db:
            assert await forget_confirmation_addresses(db) == 5 + 1  # refused requests left no row
        assert (await subscribe(client, sid, viewer(), "sms", "+8613900000003", confirmed=False)).status_code == 201
        report = await deliver(app)
        assert (report.sent, report.failed) == (5 + 1, 1)  # the quitter's confirmation is not sent


async def test_a_concurrent_flood_stops_exactly_at_the_limit(postgres_db_url):
    app = create_app(
        make_settings(postgres_db_url, reminder_delivery_interval_s=0, reminder_subscriptions_per_client_per_hour=5)
    )
    async with AsyncTestClient(app=app) as client:
        session, _, _ = await scheduled_session(app, client)
        answers = await asyncio.gather(
            *(
                subscribe(client, session["id"], viewer(), "sms", f"+86137001370{n:02d}", confirmed=False)
                for n in range(20)
            )
        )
        assert sorted(r.status_code for r in answers) == [201] * 5 + [429] * 15
