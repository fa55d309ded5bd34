"""The transactional outbox: an event commits with its change, each handler runs once, a failing
handler is retried without losing the event or half-applying its effects."""

from __future__ import annotations

from sqlmodel import select

from server.events import OutboxDispatcher
from server.kernel import clock
from server.kernel.outbox import HandledEvent, OutboxEvent, OutboxFailure, emit
from tests.event_contracts import Thing


async def test_events_are_delivered_once_and_failures_retried(app):
    maker = app.state.sessionmaker
    seen: list[str] = []
    failures = {"left": 1}

    async def record(session, event):
        seen.append(event.payload["n"])

    async def flaky(session, event):
        if failures["left"]:
            failures["left"] -= 1
            raise RuntimeError("downstream away")

    dispatcher = OutboxDispatcher(maker, {"Thing": [record, flaky]})
    async with maker() as session:
        emit(session, Thing(n="one"), "x_1")
        await session.commit()
        emit(session, Thing(n="rolled back"), "x_2")
        await session.rollback()  # never committed: never delivered

    assert await dispatcher.drain() == 0  # the flaky handler failed: nothing marked delivered
    assert await dispatcher.drain() == 0  # and backs off (2 s + jitter by default) before a retry
    clock.advance(3)
    assert await dispatcher.drain() == 1
    assert await dispatcher.drain() == 0
    # each handler has its own transaction: `record` succeeded once and was not run again
    async with maker() as session:
        events = (await session.exec(select(OutboxEvent))).all()
        handled = (await session.exec(select(HandledEvent))).all()
    assert [e.payload["n"] for e in events] == ["one"]
    assert events[0].delivered_at is not None and events[0].attempts == 1 and "downstream" in events[0].last_error
    assert len(handled) == 2
    assert seen == ["one"]


async def test_a_row_that_breaks_its_contract_fails_its_consumer_with_the_reason(app):
    # given an event row written by hand (or by an older emitter) that its contract does not allow
    maker, seen = app.state.sessionmaker, []

    async def record(session, event):
        seen.append(event.payload)

    async with maker() as session:
        session.add(OutboxEvent(id="evt_bad", topic="Thing", aggregate_id="x_1", payload={"n": 1, "extra": True}))
        await session.commit()
    # when it is delivered
    await OutboxDispatcher(maker, {"Thing": [record]}).drain()
    # then the consumer never saw it, and the failure says why
    async with maker() as session:
        [failure] = (await session.exec(select(OutboxFailure))).all()
    assert seen == [] and failure.event_id == "evt_bad"
    assert "Thing v1: extra: Extra inputs are not permitted" in failure.last_error
