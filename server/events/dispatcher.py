"""The outbox dispatcher: claims undelivered events in order and runs every handler for their
topic, each in its own transaction together with a record of the (event, handler) pair, so a
replay is a no-op and one failing consumer delays only itself. The event is marked delivered
once every handler has succeeded; until then it is retried on every tick.

Several workers may run it at once: on PostgreSQL an event row is claimed with
`FOR UPDATE SKIP LOCKED`, so each event is handled by one worker at a time."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Mapping, Sequence

import structlog
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from server.kernel.backoff import FailureBackoff
from server.kernel.clock import utcnow
from server.kernel.db import is_postgres
from server.kernel.outbox import HandledEvent, OutboxEvent

EventHandler = Callable[[AsyncSession, OutboxEvent], Awaitable[None]]
log = structlog.get_logger("outbox")
BATCH = 100


def _detached(event: OutboxEvent) -> OutboxEvent:
    """A copy that outlives the claiming session, handed to handlers running in their own."""
    return OutboxEvent(
        id=event.id,
        topic=event.topic,
        aggregate_id=event.aggregate_id,
        payload=dict(event.payload),
        created_at=event.created_at,
        attempts=event.attempts,
    )


def handler_name(handler: EventHandler) -> str:
    return f"{handler.__module__}.{getattr(handler, '__qualname__', repr(handler))}"[:120]


class OutboxDispatcher:
    def __init__(
        self,
        maker: async_sessionmaker[AsyncSession],
        handlers: Mapping[str, Sequence[EventHandler]],
        poll_interval_s: float = 0.2,
    ) -> None:
        self.maker = maker
        self.handlers = handlers
        self.poll_interval_s = poll_interval_s
        self.wakeup = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def drain(self) -> int:
        """Deliver everything pending now; returns how many events were delivered."""
        delivered = 0
        while ids := await self._pending_ids():
            progress = [await self._deliver(event_id) for event_id in ids]
            delivered += sum(progress)
            if not any(progress):
                break  # only failing or locked events remain: retry on the next tick
        return delivered

    async def _pending_ids(self) -> list[str]:
        async with self.maker() as session:
            stmt = (
                select(OutboxEvent.id)
                .where(OutboxEvent.delivered_at.is_(None))  # type: ignore[union-attr]
                .order_by(OutboxEvent.id)
                .limit(BATCH)
            )
            return list((await session.exec(stmt)).all())

    async def _deliver(self, event_id: str) -> bool:
        async with self.maker() as claim:
            event = await self._claim(claim, event_id)
            if event is None:
                return False
            snapshot = _detached(event)
            if not is_postgres(claim):
                await claim.rollback()  # SQLite: end the read so handler transactions can write
            errors = [e for h in self.handlers.get(snapshot.topic, ()) if (e := await self._run_one(h, snapshot))]
            if errors:
                await claim.rollback()
                await self._record_failure(event_id, "; ".join(errors))
                return False
            await claim.exec(
                update(OutboxEvent)
                .where(OutboxEvent.id == event_id)  # type: ignore[call-overload]
                .values(delivered_at=utcnow())
            )
            await claim.commit()
            return True

    async def _run_one(self, handler: EventHandler, event: OutboxEvent) -> str | None:
        """Run one handler in its own transaction, so one failing consumer never blocks the others;
        a handler that already succeeded for this event is skipped on the retry."""
        name = handler_name(handler)
        async with self.maker() as session:
            if await session.get(HandledEvent, (event.id, name)) is not None:
                return None
            try:
                await handler(session, event)
                session.add(HandledEvent(event_id=event.id, handler=name))
                await session.commit()
            except Exception as exc:
                await session.rollback()
                log.warning("event handler failed", event_id=event.id, topic=event.topic, handler=name, error=repr(exc))
                return f"{name}: {exc!r}"
        return None

    async def _claim(self, session: AsyncSession, event_id: str) -> OutboxEvent | None:
        stmt = select(OutboxEvent).where(OutboxEvent.id == event_id, OutboxEvent.delivered_at.is_(None))  # type: ignore[union-attr]
        if is_postgres(session):
            stmt = stmt.with_for_update(skip_locked=True)
        return (await session.exec(stmt)).first()

    async def _record_failure(self, event_id: str, error: str) -> None:
        async with self.maker() as session:
            event = await session.get(OutboxEvent, event_id)
            if event is not None:
                event.attempts += 1
                event.last_error = error[:500]
                session.add(event)
                await session.commit()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="outbox-dispatcher")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.drain()  # a clean shutdown hands over everything already committed

    async def _run(self) -> None:
        backoff = FailureBackoff("outbox-dispatcher", self.poll_interval_s)
        while True:
            wait_s = self.poll_interval_s
            try:
                await self.drain()
                backoff.succeeded()
            except Exception as exc:  # the database may be away: keep the loop alive, back off, log once
                wait_s = backoff.failed(exc)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wakeup.wait(), wait_s)
            self.wakeup.clear()
