"""Writes buffered clicks to the database in batches, in the background and on shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import async_sessionmaker

from distribution.clicks.buffer import (
    BOT,
    DUPLICATE,
    ClickClassifier,
    ClickQueue,
    ClickRecord,
    MemoryClassifier,
    RedisClassifier,
)
from distribution.models import Click
from server.kernel.backoff import FailureBackoff

log = logging.getLogger(__name__)
BATCH = 1000  # one batch per event-loop turn: bigger ones stall the redirects sharing the worker
INSERT_PG = (
    "INSERT INTO clicks (id, link_id, partner_id, brand_id, session_id, visitor_id, is_bot, is_duplicate, "
    "user_agent, clicked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING"
)


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


class ClickFlusher:
    def __init__(
        self, queue: ClickQueue, classifier: ClickClassifier, sessionmaker: async_sessionmaker[Any], interval_s: float
    ) -> None:
        self.queue, self.classifier, self.sessionmaker, self.interval_s = queue, classifier, sessionmaker, interval_s
        self.fallback = MemoryClassifier(
            getattr(classifier, "dedupe_seconds", 3600), getattr(classifier, "ip_per_minute", 0)
        )
        self.written = 0

    async def flush_once(self) -> int:
        """Classify and write one batch; a batch that fails (or is cancelled) goes back to the queue."""
        batch = self.queue.take(BATCH)
        if batch:
            try:
                codes = await self._classify(batch)
                await self._insert([_row(click, code) for click, code in zip(batch, codes, strict=True)])
            except BaseException:
                self.queue.give_back(batch)
                raise
            self.written += len(batch)
        return len(batch)

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
        # Idempotent: a batch replayed after a failure inserts nothing twice.
        async with self.sessionmaker() as session:
            if session.get_bind().dialect.name == "postgresql":
                await self._insert_asyncpg(session, rows)
            else:
                stmt = sqlite.insert(Click.__table__).on_conflict_do_nothing(index_elements=["id"])  # type: ignore[attr-defined]
                await session.execute(stmt, [dict(zip(COLUMNS, row, strict=True)) for row in rows])
            await session.commit()

    async def _insert_asyncpg(self, session: Any, rows: list[tuple[Any, ...]]) -> None:
        """The driver's own pipelined executemany: this path carries every click of every worker."""
        connection = await session.connection()
        raw = (await connection.get_raw_connection()).driver_connection
        await raw.executemany(INSERT_PG, rows)

    async def drain(self, attempts: int = 5) -> None:
        """Flush until the queue is empty; a failing database gets a few tries before giving up."""
        for _ in range(attempts):
            try:
                while await self.flush_once() > 0:
                    pass
                return
            except Exception:
                log.exception("click flush failed while draining; retrying")
                await asyncio.sleep(0.5)

    async def run(self) -> None:
        backoff = FailureBackoff("click-flusher", self.interval_s)
        while True:
            wait_s = self.interval_s
            try:
                while await self.flush_once() >= BATCH:
                    pass
                backoff.succeeded()
            except Exception as exc:  # the database or Redis away: the clicks stay queued, try later
                wait_s = backoff.failed(exc, queued=len(self.queue))
            await asyncio.sleep(wait_s)


def make_classifier(state: Any) -> ClickClassifier:
    settings = state.settings
    if state.redis is not None:
        return RedisClassifier(
            state.redis, settings.redis_namespace, settings.click_dedupe_seconds, settings.click_bot_ip_per_minute
        )
    return MemoryClassifier(settings.click_dedupe_seconds, settings.click_bot_ip_per_minute)


@asynccontextmanager
async def click_flusher_lifespan(app: Any) -> AsyncIterator[None]:
    """Start the background flusher; on a clean shutdown write every queued click first."""
    queue = ClickQueue()
    flusher = ClickFlusher(
        queue, make_classifier(app.state), app.state.sessionmaker, app.state.settings.click_flush_interval_ms / 1000
    )
    app.state.click_queue, app.state.click_flusher = queue, flusher
    task = asyncio.create_task(flusher.run(), name="click-flusher")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await flusher.drain()
        if len(queue):
            log.error("%s clicks could not be written at shutdown", len(queue))


__all__ = ["ClickFlusher", "click_flusher_lifespan", "make_classifier"]
