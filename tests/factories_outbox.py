"""Outbox test factories: consumers that fail on demand, and driving one to a dead letter on the
injected clock."""

from __future__ import annotations

import random
from datetime import datetime

from sqlmodel import select

import tests.event_contracts  # noqa: F401  (registers Thing and Other)
from server.events import OutboxDispatcher, RetryPolicy
from server.kernel import clock
from server.kernel.clock import utcnow
from server.kernel.contracts import contract_for
from server.kernel.outbox import OutboxEvent, OutboxFailure, emit


class Consumers:
    """Two consumers of `Thing` (one healthy, one failing until `fixed`) and one of `Other`."""

    def __init__(self) -> None:
        self.runs: dict[str, int] = {"healthy": 0, "failing": 0, "other": 0}
        self.fixed = False

    async def healthy(self, session, event) -> None:
        self.runs["healthy"] += 1

    async def failing(self, session, event) -> None:
        self.runs["failing"] += 1
        if not self.fixed:
            raise RuntimeError(f"downstream away (try {self.runs['failing']})")

    async def other(self, session, event) -> None:
        self.runs["other"] += 1

    def dispatcher(self, maker, max_attempts: int = 10) -> OutboxDispatcher:
        handlers = {"Thing": [self.healthy, self.failing], "Other": [self.other]}
        policy = RetryPolicy(max_attempts=max_attempts, base_s=10, cap_s=3600, rng=random.Random(7))
        return OutboxDispatcher(maker, handlers, retry=policy)


async def emit_one(maker, topic: str = "Thing") -> str:
    async with maker() as session:
        event = emit(session, contract_for(topic).model_validate({"n": 1}), "agg_1")
        await session.commit()
        return event.id


async def failure_of(maker, event_id: str) -> OutboxFailure:
    async with maker() as session:
        return (await session.exec(select(OutboxFailure).where(OutboxFailure.event_id == event_id))).one()


async def event_row(maker, event_id: str) -> OutboxEvent:
    async with maker() as session:
        return await session.get(OutboxEvent, event_id)


def until(moment: datetime) -> float:
    return (moment - utcnow()).total_seconds()


async def fail_until_dead(maker, consumers: Consumers, dispatcher: OutboxDispatcher, event_id: str) -> None:
    await dispatcher.drain()
    while (failure := await failure_of(maker, event_id)).dead_at is None:
        clock.advance(until(failure.next_attempt_at) + 0.01)
        await dispatcher.drain()
