"""Dead letters: consumers that gave up on an event after `max_attempts`, and replaying them.

A replay clears the consumer's dead state and attempt count, makes it due now and puts the event
back in the dispatcher's queue; consumers that already handled the event are not run again (their
`HandledEvent` rows), so replaying twice, or replaying a consumer that meanwhile succeeded, is a
no-op. Lock order: the event row first, then its failure rows — the order a dispatcher tick
takes them — so a replay racing a tick waits for it rather than deadlocking."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement
from sqlmodel import col, func, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from server.events.schemas import DeadLetterList, DeadLetterPublic
from server.kernel.clock import utcnow
from server.kernel.outbox import OutboxEvent, OutboxFailure
from server.kernel.problems import NotFound

F = OutboxFailure
DEAD = col(F.dead_at).is_not(None)


class DeadLetterService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def list(self, limit: int = 200) -> DeadLetterList:
        """The most recent dead letters first, with their event's topic."""
        stmt = (
            select(F, OutboxEvent)
            .join(OutboxEvent, col(OutboxEvent.id) == col(F.event_id), isouter=True)
            .where(DEAD)
            .order_by(col(F.dead_at).desc(), col(F.event_id), col(F.handler))
            .limit(limit)
        )
        rows = (await self.session.exec(stmt)).all()
        total = (await self.session.exec(select(func.count()).select_from(F).where(DEAD))).one()
        return DeadLetterList(items=[_public(f, e) for f, e in rows], total=total)

    async def replay(self, event_id: str, handler: str | None = None) -> int:
        """Retry now the consumers that failed on this event (or just `handler`)."""
        if await self.session.get(OutboxEvent, event_id) is None:
            raise NotFound.of("event", event_id)
        match = col(F.event_id) == event_id
        if handler is not None:
            match &= col(F.handler) == handler
        if (await self.session.exec(select(F.handler).where(match))).first() is None:
            if handler is not None:
                raise NotFound(f"handler {handler!r} has no failure recorded on event {event_id!r}")
            return 0  # nothing failed (any more): replaying is a no-op
        return await self._reset([event_id], match)

    async def replay_all(self) -> int:
        """Retry now every dead letter."""
        event_ids = list((await self.session.exec(select(F.event_id).where(DEAD).distinct())).all())
        return await self._reset(event_ids, DEAD & col(F.event_id).in_(event_ids)) if event_ids else 0

    async def _reset(self, event_ids: Sequence[str], match: ColumnElement[bool]) -> int:
        await self.session.exec(
            update(OutboxEvent)
            .where(col(OutboxEvent.id).in_(event_ids))
            .values(delivered_at=None, next_attempt_at=None)
        )
        result = await self.session.exec(
            update(F).where(match).values(dead_at=None, attempts=0, next_attempt_at=utcnow())
        )
        await self.session.commit()
        return int(result.rowcount)


def _public(failure: OutboxFailure, event: OutboxEvent | None) -> DeadLetterPublic:
    return DeadLetterPublic(
        event_id=failure.event_id,
        topic=event.topic if event else "?",
        aggregate_id=event.aggregate_id if event else "?",
        handler=failure.handler,
        attempts=failure.attempts,
        last_error=failure.last_error,
        dead_at=failure.dead_at or failure.failed_at,
        created_at=event.created_at if event else None,
    )
