"""Where a consumer stands with an event after a tick, and the contract check every consumer relies on."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from server.kernel.clock import utcnow
from server.kernel.contracts import contract_for
from server.kernel.outbox import OutboxEvent, OutboxFailure


@dataclass(frozen=True, slots=True)
class Outcome:
    """One consumer after a tick: done (handled, or dead), or waiting until `due_at`."""

    done: bool
    due_at: datetime | None = None
    error: str | None = None  # it failed in this tick


DONE = Outcome(done=True)


@dataclass(frozen=True, slots=True)
class Failed:
    """What a tick needs of an `OutboxFailure` row (a plain value: it outlives the session that read it)."""

    dead_at: datetime | None
    next_attempt_at: datetime


def waiting(failure: OutboxFailure | Failed) -> Outcome | None:
    """A dead consumer counts as done; one whose backoff has not run out waits."""
    if failure.dead_at is not None:
        return DONE
    if failure.next_attempt_at > utcnow():
        return Outcome(done=False, due_at=failure.next_attempt_at)
    return None


def check_contract(event: OutboxEvent) -> None:
    """Consumers read what the contract promises: a payload that does not match (written by an
    older emitter, or by hand) fails each consumer with the reason, as any handler error would."""
    contract_for(event.topic).read(event.payload, event.version)


def contract_errors(events: Iterable[OutboxEvent]) -> dict[str, Exception]:
    """The events whose payload breaks their contract, with the reason: checked once per tick, not
    once per consumer (the answer is the same for all of them, and it costs a validation each)."""
    errors: dict[str, Exception] = {}
    for event in events:
        try:
            check_contract(event)
        except Exception as exc:
            errors[event.id] = exc
    return errors
