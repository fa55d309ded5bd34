"""The transactional outbox: an event commits with its change, each handler runs once, a failing
handler is retried without losing the event or half-applying its effects."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import select

from server.events import OutboxDispatcher
from server.kernel import clock
from server.kernel.outbox import HandledEvent, OutboxEvent, emit


@pytest.fixture(autouse=True)
def real_time() -> Iterator[None]:
    yield
    clock.reset()


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
        emit(session, "Thing", "x_1", {"n": "one"})
        await session.commit()
        emit(session, "Thing", "x_2", {"n": "rolled back"})
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
