"""The outbox dispatcher: claims due events in id order and runs every handler for their topic,
each in its own transaction together with a record of the (event, handler) pair, so a replay is
a no-op and one failing consumer delays only itself.

A consumer that fails gets a backoff of its own (`OutboxFailure`, `RetryPolicy`): it is not run
again for that event before its next-attempt time, while the other consumers of the event, and
every other event, go on. After `max_attempts` failures it is a dead letter: kept with its last
error until an operator replays it (`zhixiang outbox replay`, the admin page). The event is marked
delivered once every consumer has handled it or is dead, so a dead letter never keeps it in the
backlog; `outbox_failures` lists the dead ones. The event row's `next_attempt_at` is the earliest
time one of its backing-off consumers is due, so the pending query skips events with nothing to do.

Batches: a tick claims up to BATCH due events and runs each consumer over its topic's events. A
consumer declared `batched` (`server.kernel.outbox.batched`) takes them all in ONE transaction,
with a HandledEvent row per event in that same transaction, so idempotency stays per event; the
events it already handled or is backing off on are left out. If the batch fails, nothing of it
is committed and the consumer is run on each event alone, exactly as a plain consumer is: the bad
event fails and backs off by itself, the others are done. (A consumer with effects outside the
database, e.g. Redis counters, may apply those twice for the good events of a failed batch, as
any retry may; such consumers do their outside effects last.)

Ordering: events are attempted in id (creation) order, but no ordering is guaranteed between
events, not even of one aggregate: a failing consumer never holds back later events (this was
already so before backoff). Handlers must tolerate seeing a later event first.

Several workers may run it at once: on PostgreSQL the event rows are claimed with
`FOR UPDATE SKIP LOCKED`, so each event is handled by one worker at a time (another worker claims
the next due events), and its failure rows
are written only by that worker (a replay first updates the event row, so it waits for the tick)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy import ColumnElement, or_
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from server.events.batches import Standings, commit_batch, read_standings
from server.events.outcomes import DONE, Outcome, contract_errors, waiting
from server.events.retry import RetryPolicy
from server.kernel.backoff import FailureBackoff
from server.kernel.clock import utcnow
from server.kernel.db import is_postgres
from server.kernel.outbox import HandledEvent, OutboxEvent, OutboxFailure, batch_of

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
        version=event.version,
        created_at=event.created_at,
        attempts=event.attempts,
    )


def handler_name(handler: EventHandler) -> str:
    return f"{handler.__module__}.{getattr(handler, '__qualname__', repr(handler))}"[:120]


def _due(now: datetime) -> ColumnElement[bool]:
    return col(OutboxEvent.delivered_at).is_(None) & or_(
        col(OutboxEvent.next_attempt_at).is_(None), col(OutboxEvent.next_attempt_at) <= now
    )


def _finish_values(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    """Delivered when nothing is left to try; else due again when its first consumer is."""
    errors = [o.error for o in outcomes if o.error]
    due = [o.due_at for o in outcomes if not o.done and o.due_at is not None]
    values: dict[str, Any] = {"next_attempt_at": min(due)} if due else {"delivered_at": utcnow()}
    if errors:
        values.update(attempts=OutboxEvent.attempts + 1, last_error="; ".join(errors)[:500])
    return values


class OutboxDispatcher:
    def __init__(
        self,
        maker: async_sessionmaker[AsyncSession],
        handlers: Mapping[str, Sequence[EventHandler]],
        poll_interval_s: float = 0.2,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.maker = maker
        self.handlers = handlers
        self.poll_interval_s = poll_interval_s
        self.retry = retry or RetryPolicy()
        self.wakeup = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def drain(self) -> int:
        """Deliver everything due now; returns how many events were delivered."""
        delivered = 0
        while (result := await self._deliver()) is not None:
            delivered += result
        return delivered  # nothing due is left, or only events other workers hold: the next tick

    async def _deliver(self) -> int | None:
        """Claim up to BATCH due events and run their consumers; how many were delivered, None if
        there was none to claim (none due, or all locked by other workers)."""
        async with self.maker() as claim:
            events = await self._claim(claim)
            if not events:
                return None
            snapshots = [_detached(event) for event in events]
            standings = await read_standings(claim, snapshots)
            if not is_postgres(claim):
                await claim.rollback()  # SQLite: end the read so handler transactions can write
            outcomes = await self._run_consumers(snapshots, standings)
            delivered = await _finish(claim, outcomes)
            await claim.commit()
            return delivered

    async def _run_consumers(self, events: list[OutboxEvent], standings: Standings) -> dict[str, list[Outcome]]:
        """Each consumer of a topic over that topic's events (in id order), one consumer after another."""
        outcomes: dict[str, list[Outcome]] = {event.id: [] for event in events}
        by_topic: dict[str, list[OutboxEvent]] = {}
        for event in events:
            by_topic.setdefault(event.topic, []).append(event)
        broken = contract_errors(events)
        for topic, group in by_topic.items():
            for handler in self.handlers.get(topic, ()):
                for event_id, outcome in (await self._run_handler(handler, group, standings, broken)).items():
                    outcomes[event_id].append(outcome)
        return outcomes

    async def _run_handler(
        self, handler: EventHandler, events: list[OutboxEvent], standings: Standings, broken: dict[str, Exception]
    ) -> dict[str, Outcome]:
        batch = batch_of(handler)
        if batch is None or len(events) == 1:
            return {event.id: await self._run_one(handler, event, broken.get(event.id)) for event in events}
        name = handler_name(handler)
        results, ready = standings.of(name, events)
        sound = [event for event in ready if event.id not in broken]
        if len(sound) > 1:
            async with self.maker() as session:
                if await commit_batch(session, batch, name, sound, standings.failed_before(name, sound)):
                    results |= {event.id: DONE for event in sound}
        # a broken payload, one event left, or the batch failed: each on its own, so a bad event
        # fails and backs off alone
        for event in ready:
            if event.id not in results:
                results[event.id] = await self._run_one(handler, event, broken.get(event.id))
        return results

    async def _run_one(self, handler: EventHandler, event: OutboxEvent, broken: Exception | None = None) -> Outcome:
        """Run one handler in its own transaction, so one failing consumer never blocks the others;
        a handler that already succeeded, is dead, or is backing off is skipped. `broken`: the
        reason the event's payload breaks its contract, if it does (the handler is not run)."""
        name = handler_name(handler)
        async with self.maker() as session:
            if await session.get(HandledEvent, (event.id, name)) is not None:
                return DONE
            failure = await session.get(OutboxFailure, (event.id, name))
            if failure is not None and (wait := waiting(failure)) is not None:
                return wait
            try:
                if broken is not None:
                    raise broken
                await handler(session, event)
                session.add(HandledEvent(event_id=event.id, handler=name))
                if failure is not None:
                    await session.delete(failure)  # succeeded at last: nothing is wrong any more
                await session.commit()
            except Exception as exc:
                await session.rollback()
                log.warning("event handler failed", event_id=event.id, topic=event.topic, handler=name, error=repr(exc))
                return await self._record_failure(session, event.id, name, repr(exc))
        return DONE

    async def _record_failure(self, session: AsyncSession, event_id: str, name: str, error: str) -> Outcome:
        now = utcnow()
        failure = await session.get(OutboxFailure, (event_id, name)) or OutboxFailure(event_id=event_id, handler=name)
        failure.attempts += 1
        failure.last_error, failure.failed_at = error[:500], now
        if self.retry.gives_up(failure.attempts):
            failure.dead_at = now
            log.error("event handler dead-lettered", event_id=event_id, handler=name, attempts=failure.attempts)
        else:
            failure.next_attempt_at = self.retry.next_attempt_at(failure.attempts, now)
        session.add(failure)
        await session.commit()
        due_at = None if failure.dead_at else failure.next_attempt_at
        return Outcome(done=failure.dead_at is not None, due_at=due_at, error=f"{name}: {error}")

    async def _claim(self, session: AsyncSession) -> list[OutboxEvent]:
        """The first due events in id order; on PostgreSQL those no other worker holds, locked
        until this tick commits (so two workers share the backlog instead of queueing on it)."""
        stmt = select(OutboxEvent).where(_due(utcnow())).order_by(col(OutboxEvent.id)).limit(BATCH)
        if is_postgres(session):
            stmt = stmt.with_for_update(skip_locked=True)
        return list((await session.exec(stmt)).all())

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


async def _finish(claim: AsyncSession, outcomes: dict[str, list[Outcome]]) -> int:
    """Mark the events delivered (one statement for the plain ones) or due again; how many were delivered."""
    plain = [event_id for event_id, results in outcomes.items() if all(o.done and not o.error for o in results)]
    if plain:
        stmt = update(OutboxEvent).where(col(OutboxEvent.id).in_(plain)).values(delivered_at=utcnow())
        await claim.exec(stmt)
    delivered = len(plain)
    for event_id, results in outcomes.items():
        if event_id not in plain:
            values = _finish_values(results)
            await claim.exec(update(OutboxEvent).where(col(OutboxEvent.id) == event_id).values(**values))
            delivered += "delivered_at" in values
    return delivered
