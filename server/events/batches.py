"""A tick's batches: what each consumer has left to do on the claimed events (read once for every
consumer), and a batched consumer's run over them in one transaction.

The standings are read in the claiming transaction: the claimed events are locked by this worker
until the tick ends, and their HandledEvent and OutboxFailure rows are written only by it (a replay
updates the event row first, so it waits for the tick), so what is read once stays true for the tick."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import structlog
from sqlalchemy import delete, insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from server.events.outcomes import DONE, Failed, Outcome, waiting
from server.kernel.clock import utcnow
from server.kernel.outbox import BatchHandler, HandledEvent, OutboxEvent, OutboxFailure

log = structlog.get_logger("outbox")


@dataclass
class Standings:
    """For the claimed events: which (event, consumer) pairs are handled, and their failure rows."""

    handled: set[tuple[str, str]] = field(default_factory=set)
    failures: dict[tuple[str, str], Failed] = field(default_factory=dict)

    def of(self, name: str, events: Sequence[OutboxEvent]) -> tuple[dict[str, Outcome], list[OutboxEvent]]:
        """This consumer's outcome for the events it is done with or waiting on, and those to run now."""
        results: dict[str, Outcome] = {}
        for event in events:
            failure = self.failures.get((event.id, name))
            if (event.id, name) in self.handled:
                results[event.id] = DONE
            elif failure is not None and (wait := waiting(failure)) is not None:
                results[event.id] = wait
        return results, [event for event in events if event.id not in results]

    def failed_before(self, name: str, events: Sequence[OutboxEvent]) -> list[str]:
        return [event.id for event in events if (event.id, name) in self.failures]


async def read_standings(session: AsyncSession, events: Sequence[OutboxEvent]) -> Standings:
    """Two queries for the whole tick, whatever the number of consumers."""
    ids = [event.id for event in events]
    handled_q = select(HandledEvent.event_id, HandledEvent.handler).where(col(HandledEvent.event_id).in_(ids))
    f = OutboxFailure
    failed_q = select(f.event_id, f.handler, f.dead_at, f.next_attempt_at).where(col(f.event_id).in_(ids))
    return Standings(
        handled={(event_id, handler) for event_id, handler in (await session.exec(handled_q)).all()},
        failures={(e, h): Failed(dead, due) for e, h, dead, due in (await session.exec(failed_q)).all()},
    )


async def commit_batch(
    session: AsyncSession, batch: BatchHandler, name: str, events: list[OutboxEvent], failed_before: list[str]
) -> bool:
    """The whole batch and a HandledEvent per event in one transaction; False (nothing written) on failure."""
    try:
        await batch(session, events)
        now = utcnow()  # a core bulk insert: no ORM object per event on the hot path
        rows = [{"event_id": event.id, "handler": name, "handled_at": now} for event in events]
        await session.execute(insert(HandledEvent), rows)
        if failed_before:  # they have succeeded at last: nothing is wrong any more
            where = col(OutboxFailure.handler) == name, col(OutboxFailure.event_id).in_(failed_before)
            await session.execute(delete(OutboxFailure).where(*where))
        await session.commit()
        return True
    except Exception as exc:
        await session.rollback()
        log.info("event batch failed, running its events one by one", handler=name, events=len(events), error=repr(exc))
        return False
