"""Going live notifies each subscriber once, through the brand's signed webhook (a real local
HTTP receiver that checks every signature) or, with no webhook, a log line; failures retry with
backoff, a 4xx is final."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlmodel import select
from structlog.testing import CapturingLogger

import broadcast.reminders.notifiers.log as log_notifier
from broadcast.reminders.handlers import queue_notifications
from broadcast.reminders.models import ReminderNotification, ReminderSubscription
from broadcast.reminders.retention import forget_addresses_after
from server.kernel import clock
from server.kernel.contracts import SessionStateChanged
from server.kernel.outbox import emit
from tests.factories import go_live, make_brand, make_session, make_token
from tests.factories_reminders import deliver, set_webhook, subscribe, viewer, webhook_receiver


@dataclass
class World:
    session: dict[str, Any]
    token: str
    brand_id: str


@pytest.fixture
async def world(app, client) -> World:
    admin = await make_token(app, "admin")
    brand = await make_brand(client, admin)
    token = await make_token(app, "brand", brand_id=brand["id"])
    return World(await make_session(client, token, brand["id"]), token, brand["id"])


async def notifications(app) -> list[ReminderNotification]:
    async with app.state.sessionmaker() as db:
        return list((await db.exec(select(ReminderNotification))).all())


async def live_with_subscribers(app, client, world: World, count: int) -> None:
    for n in range(count):
        response = await subscribe(client, world.session["id"], viewer(), "email", f"fan{n}@example.com")
        assert response.status_code == 201, response.text
    await go_live(client, world.token, world.session["id"])
    await app.state.dispatcher.drain()


async def test_going_live_notifies_each_subscriber_once_even_when_replayed(app, client, world):
    with webhook_receiver() as receiver:
        receiver.secret = (await set_webhook(client, world.token, world.brand_id, receiver.url))["secret"]
        # given three subscribers, when the session goes live and the worker delivers
        await live_with_subscribers(app, client, world, 3)
        report = await deliver(app)
        # and the 'live' event is replayed (a new outbox row, so only our own check stands guard)
        async with app.state.sessionmaker() as db:
            live = SessionStateChanged(
                session_id=world.session["id"], brand_id=world.brand_id, state="live", at=clock.utcnow()
            )
            emit(db, live, world.session["id"])
            await db.commit()
        assert await app.state.dispatcher.drain() == 1
        async with app.state.sessionmaker() as db:
            assert await queue_notifications(db, world.session["id"]) == 0
        again = await deliver(app)
    # then each subscriber was sent exactly one signed message
    assert (report.sent, again.sent) == (3, 0)
    assert all(call["signed"] for call in receiver.calls) and len(receiver.calls) == 3
    bodies = receiver.delivered
    assert sorted(b["address"] for b in bodies) == [f"fan{n}@example.com" for n in range(3)]
    assert len({b["notification_id"] for b in bodies}) == 3
    assert all(
        b["session_id"] == world.session["id"]
        and b["session_title"] == world.session["title"]
        and b["live_url"].endswith(f"/live/{world.session['id']}")
        and b["brand_id"] == world.brand_id
        for b in bodies
    )
    assert [c["idempotency_key"] for c in receiver.calls] == [c["body"]["notification_id"] for c in receiver.calls]
    # and the delivered contacts are forgotten
    async with app.state.sessionmaker() as db:
        assert [s.address for s in (await db.exec(select(ReminderSubscription))).all()] == [None] * 3


async def test_a_failing_receiver_is_retried_with_backoff_then_sent(app, client, world):
    with webhook_receiver(statuses=[500, 503]) as receiver:
        receiver.secret = (await set_webhook(client, world.token, world.brand_id, receiver.url))["secret"]
        await live_with_subscribers(app, client, world, 1)
        assert (await deliver(app)).retrying == 1
        # not due again until the backoff (30 s, plus up to 25 % jitter) has passed
        assert (await deliver(app)).retrying == 0 and len(receiver.calls) == 1
        clock.advance(38)
        assert (await deliver(app)).retrying == 1  # second failure: the next wait doubles
        clock.advance(40)
        assert len(receiver.calls) == 2 and (await deliver(app)).sent == 0
        clock.advance(40)
        assert (await deliver(app)).sent == 1
    [note] = await notifications(app)
    assert (note.state, note.attempts, note.notifier) == ("sent", 3, "webhook")
    assert [c["status"] for c in receiver.calls] == [500, 503, 200]
    assert len({c["body"]["notification_id"] for c in receiver.calls}) == 1  # the same id on every try


async def test_a_4xx_is_a_permanent_failure_and_attempts_run_out(app, client, world):
    with webhook_receiver(statuses=[400]) as receiver:
        receiver.secret = (await set_webhook(client, world.token, world.brand_id, receiver.url))["secret"]
        await live_with_subscribers(app, client, world, 1)
        assert (await deliver(app)).failed == 1
        clock.advance(7200)
        assert (await deliver(app)).failed == 0
    [note] = await notifications(app)
    assert (note.state, note.attempts) == ("failed", 1)
    assert "HTTP 400" in (note.last_error or "")
    assert len(receiver.calls) == 1


async def test_an_unreachable_webhook_fails_after_max_attempts(app, client, world):
    await set_webhook(client, world.token, world.brand_id, "http://127.0.0.1:9/closed")
    await live_with_subscribers(app, client, world, 1)
    for _ in range(3):
        await deliver(app, max_attempts=3, timeout_s=2)
        clock.advance(3600)
    [note] = await notifications(app)
    assert (note.state, note.attempts) == ("failed", 3)
    assert note.last_error == "delivery failed"  # not which error: that would tell open ports from closed


async def test_without_a_webhook_the_reminder_is_a_log_line(app, client, world, monkeypatch):
    captured = CapturingLogger()
    monkeypatch.setattr(log_notifier, "log", captured)
    await live_with_subscribers(app, client, world, 1)
    report = await deliver(app)
    assert report.sent == 1
    [line] = [call.kwargs for call in captured.calls if call.args == ("reminder due",)]
    assert line["session_id"] == world.session["id"] and line["address"] == "f***@example.com"
    [note] = await notifications(app)
    assert (note.state, note.notifier) == ("sent", "log")


async def test_undelivered_contacts_are_forgotten_days_after_the_session_ends(app, client, world):
    # given a subscriber whose reminder was never sent before the session ended
    await live_with_subscribers(app, client, world, 1)
    ended = await client.post(
        f"/api/v1/sessions/{world.session['id']}/state",
        json={"state": "ended"},
        headers={"Authorization": f"Bearer {world.token}"},
    )
    assert ended.status_code == 200, ended.text
    # then a 'now live' reminder is no longer sent
    assert (await deliver(app)).failed == 1
    [note] = await notifications(app)
    assert note.state == "failed" and "ended" in (note.last_error or "")
    # and the address is kept only until the retention period after the end has passed
    async with app.state.sessionmaker() as db:
        assert await forget_addresses_after(db, 7) == 0
    clock.advance(7 * 86400 + 60)
    async with app.state.sessionmaker() as db:
        assert await forget_addresses_after(db, 7) == 1
        [sub] = (await db.exec(select(ReminderSubscription))).all()
    assert sub.address is None and sub.address_cleared_at is not None
