"""Contracts for the outbox's own tests: topics no domain emits, registered like real ones, so the
dispatcher's machinery is tested under the same contract checks as production events."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from server.kernel.contracts import Event, contract_for, register
from server.kernel.outbox import OutboxEvent, emit


class Thing(Event):
    TOPIC = "Thing"
    EMITTED_BY = "tests"
    n: int | str


class Other(Event):
    TOPIC = "Other"
    EMITTED_BY = "tests"
    n: int


class Counted(Event):
    TOPIC = "Counted"
    EMITTED_BY = "tests"
    n: int
    poison: bool = False


register(Thing, Other, Counted)


def emit_payload(session: AsyncSession, topic: str, aggregate_id: str, payload: dict[str, Any]) -> OutboxEvent:
    """Emit a payload a test built by hand, checked against its topic's contract as an emitter's is."""
    return emit(session, contract_for(topic).model_validate(payload), aggregate_id)
