"""Writes buffered clicks to the database in batches, in the background and on shutdown.

Every worker runs this loop; with Redis only the holder of the flusher lease drains the shared
stream (see stream.py), the others only their own memory fallback. With no Redis the one worker
drains its memory buffer.

The clicks and the funnel's kept counts of counted clicks per (session, link) are written in one
transaction (on PostgreSQL in one statement: the rows really inserted, not a replay's, are
counted); after the commit the sessions whose funnel changed are announced."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select

from distribution.clicks.buffer import (
    BOT,
    DUPLICATE,
    ClickBuffer,
    ClickClassifier,
    ClickRecord,
    MemoryClassifier,
    MemoryClickBuffer,
    RedisClassifier,
)
from distribution.clicks.stream import FlusherLease, RedisClickBuffer
from distribution.funnel.changes import FunnelChanges, bump_quietly, changes_of
from distribution.funnel.kept import add_clicks
from distribution.models import Click
from server.kernel.backoff import FailureBackoff

log = logging.getLogger(__name__)
LEASE_MS = 3000
SHUTDOWN_DRAIN_S = 12.0  # drain() itself waits at most 10 s for another lease holder
SHUTDOWN_REDIS_S = 2.0
BATCH = 1000  # one batch per event-loop turn: bigger ones stall the redirects sharing the worker
INSERT_PG = """
WITH written AS (
  INSERT INTO clicks (id, link_id, partner_id, brand_id, session_id, visitor_id, is_bot, is_duplicate, user_agent,
    clicked_at)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bool[],
    $8::bool[], $9::text[], $10::timestamptz[])
  ON CONFLICT (id) DO NOTHING
  RETURNING session_id, link_id, partner_id, is_bot, is_duplicate
)
INSERT INTO funnel_link_clicks AS kept (session_id, link_id, partner_id, clicks)
SELECT session_id, link_id, partner_id, count(*) FROM written
WHERE session_id IS NOT NULL AND NOT is_bot AND NOT is_duplicate
GROUP BY session_id, link_id, partner_id ORDER BY session_id, link_id, partner_id
ON CONFLICT (session_id, link_id, partner_id) DO UPDATE SET clicks = kept.clicks + excluded.clicks
RETURNING session_id
"""


COLUMNS = (
    "id",
    "link_id",
    "partner_id",
    "brand_id",
    "session_id",
    "visitor_id",
    "is_bot",
    "is_duplicate",
    "user_agent",
    "clicked_at",
)


def _row(click: ClickRecord, code: int) -> tuple[Any, ...]:
    return (
        click.id,
        click.link_id,
        click.partner_id,
        click.brand_id,
        click.session_id,
        click.visitor_id[:64],
        code == BOT,
        code == DUPLICATE,
        (click.user_agent or "")[:200] or None,
        datetime.fromtimestamp(click.clicked_at, UTC),
    )


class AlwaysHeld:
    """The lease of a buffer that only this process can see."""

    async def hold(self) -> bool:
        return True

    async def let_go(self) -> None:
        return None


class ClickFlusher:
    def __init__(
        self,
        buffer: ClickBuffer,
        classifier: ClickClassifier,
        sessionmaker: async_sessionmaker[Any],
        interval_s: float,
        lease: FlusherLease | AlwaysHeld | None = None,
        funnel_changes: FunnelChanges | None = None,
    ) -> None:
        self.buffer, self.classifier, self.sessionmaker, self.interval_s = buffer, classifier, sessionmaker, interval_s
        self.funnel_changes = funnel_changes
        self.lease = lease or AlwaysHeld()
        # Set at shutdown: `run` leaves its loop even if a cancellation was swallowed on the way
        # (a Redis client that catches CancelledError mid-command left the task running forever).
        self.stopping = asyncio.Event()
        self.fallback = MemoryClassifier(
            getattr(classifier, "dedupe_seconds", 3600), getattr(classifier, "ip_per_minute", 0)
        )
        self.written = 0

    async def flush_once(self) -> int:
        """Classify and write one batch, then acknowledge it; a batch that fails (or is cancelled)
        goes back to the buffer. Without the lease, only this worker's memory fallback is ours."""
        buffer: Any = self.buffer
        if not await self._leased():
            buffer = getattr(self.buffer, "fallback", None)
            if buffer is None:
                return 0
        batch = await buffer.claim(BATCH)
        if batch:
            try:
                codes = await self._classify(batch)
                await self._insert([_row(click, code) for click, code in zip(batch, codes, strict=True)])
            except BaseException:
                await buffer.release(batch)
                raise
            await buffer.ack(batch)
            self.written += len(batch)
        return len(batch)

    async def _leased(self) -> bool:
        try:
            return await self.lease.hold()
        except Exception:  # Redis away: the stream is out of reach too
            log.warning("click flusher lease unreachable")
            return False

    async def _classify(self, batch: list[ClickRecord]) -> list[int]:
        """Redis down must not hold clicks back: this worker's own memory decides meanwhile (so a
        duplicate seen only by another worker may count twice until Redis is back)."""
        try:
            return await self.classifier.classify(batch)
        except Exception:
            if isinstance(self.classifier, MemoryClassifier):
                raise
            log.exception("click classification via Redis failed; classifying in memory")
            return await self.fallback.classify(batch)

    async def _insert(self, rows: list[tuple[Any, ...]]) -> None:
        # Idempotent: a batch replayed after a failure inserts (and counts) nothing twice.
        async with self.sessionmaker() as session:
            if session.get_bind().dialect.name == "postgresql":
                changed = await self._insert_asyncpg(session, rows)
            else:
                changed = await self._insert_sqlite(session, rows)
            await session.commit()
        await bump_quietly(self.funnel_changes, changed)

    async def _insert_asyncpg(self, session: Any, rows: list[tuple[Any, ...]]) -> set[str]:
        """One statement, arrays in: this path carries every click of every worker."""
        connection = await session.connection()
        raw = (await connection.get_raw_connection()).driver_connection
        counted = await raw.fetch(INSERT_PG, *(list(column) for column in zip(*rows, strict=True)))
        return {row["session_id"] for row in counted}

    async def _insert_sqlite(self, session: Any, rows: list[tuple[Any, ...]]) -> set[str]:
        """SQLite has one writer: the ids already stored are read first, so a replay counts nothing."""
        ids = [row[0] for row in rows]
        stored = set((await session.execute(select(Click.id).where(col(Click.id).in_(ids)))).scalars())
        stmt = sqlite.insert(Click.__table__).on_conflict_do_nothing(index_elements=["id"])  # type: ignore[attr-defined]
        await session.execute(stmt, [dict(zip(COLUMNS, row, strict=True)) for row in rows])
        new = [row for row in rows if row[0] not in stored and row[4] and not row[6] and not row[7]]
        await add_clicks(session, [(row[4], row[1], row[2]) for row in new])
        return {row[4] for row in new}

    async def drain(self, attempts: int = 5, wait_s: float = 10.0) -> None:
        """Flush until the buffer is empty. While another worker holds the lease, wait for it to
        write or let go (at most `wait_s`: the stream keeps what is left for whoever flushes next);
        a failing database gets a few tries before giving up."""
        deadline, failures = time.monotonic() + wait_s, 0
        while True:
            try:
                if await self.flush_once() > 0:
                    continue
                if await self.buffer.pending() == 0 or time.monotonic() > deadline:
                    return
            except Exception:
                failures += 1
                log.exception("click flush failed while draining; retrying")
                if failures >= attempts:
                    return
                await asyncio.sleep(0.5)
                continue
            await asyncio.sleep(0.05)

    async def run(self) -> None:
        backoff = FailureBackoff("click-flusher", self.interval_s)
        while not self.stopping.is_set():
            wait_s = self.interval_s
            try:
                while await self.flush_once() >= BATCH and not self.stopping.is_set():
                    pass
                backoff.succeeded()
            except Exception as exc:  # the database or Redis away: the clicks stay queued, try later
                wait_s = backoff.failed(exc, queued=await self._pending())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stopping.wait(), wait_s)

    async def _pending(self) -> int:
        with contextlib.suppress(Exception):
            return await self.buffer.pending()
        return -1


def make_classifier(state: Any) -> ClickClassifier:
    settings = state.settings
    if state.redis is not None:
        return RedisClassifier(
            state.redis, settings.redis_namespace, settings.click_dedupe_seconds, settings.click_bot_ip_per_minute
        )
    return MemoryClassifier(settings.click_dedupe_seconds, settings.click_bot_ip_per_minute)


def make_buffer(state: Any) -> tuple[ClickBuffer, FlusherLease | AlwaysHeld]:
    """With Redis, the shared stream and the lease; `LEASE_MS` also bounds how long a dead
    flusher's claimed batch waits before another worker re-claims it."""
    if state.redis is None:
        return MemoryClickBuffer(), AlwaysHeld()
    namespace, owner = state.settings.redis_namespace, f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
    buffer = RedisClickBuffer(state.redis, namespace, owner, reclaim_ms=LEASE_MS)
    return buffer, FlusherLease(state.redis, namespace, owner, LEASE_MS)


@asynccontextmanager
async def click_flusher_lifespan(app: Any) -> AsyncIterator[None]:
    """Start the background flusher; on a clean shutdown write every buffered click first."""
    buffer, lease = make_buffer(app.state)
    interval_s = app.state.settings.click_flush_interval_ms / 1000
    flusher = ClickFlusher(
        buffer, make_classifier(app.state), app.state.sessionmaker, interval_s, lease, changes_of(app.state)
    )
    app.state.click_buffer, app.state.click_flusher = buffer, flusher
    task = asyncio.create_task(flusher.run(), name="click-flusher")
    try:
        yield
    finally:
        flusher.stopping.set()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, TimeoutError):
            await asyncio.wait_for(task, SHUTDOWN_REDIS_S)
        # Bounded: a Redis that stops answering must not hold the worker's shutdown (what is not
        # written stays in the stream for the next flusher; memory-only clicks are drained first).
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(flusher.drain(), SHUTDOWN_DRAIN_S)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(_let_go(lease), SHUTDOWN_REDIS_S)
        left = -1
        with contextlib.suppress(TimeoutError):
            left = await asyncio.wait_for(flusher._pending(), SHUTDOWN_REDIS_S)
        if left:
            log.warning("%s clicks left in the buffer at shutdown (another worker or the next start writes them)", left)


async def _let_go(lease: FlusherLease | AlwaysHeld) -> None:
    with contextlib.suppress(Exception):
        await lease.let_go()


__all__ = ["ClickFlusher", "click_flusher_lifespan", "make_classifier"]
