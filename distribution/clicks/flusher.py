"""Writes buffered clicks to the database in batches, in the background and on shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import async_sessionmaker

from distribution.clicks.buffer import ClickBuffer, ClickRecord, MemoryClickBuffer, RedisClickBuffer
from distribution.models import Click

log = logging.getLogger(__name__)
BATCH = 2000


def _row(click: ClickRecord) -> dict[str, Any]:
    return {"id": click.id, "link_id": click.link_id, "partner_id": click.partner_id, "brand_id": click.brand_id,
            "session_id": click.session_id, "visitor_id": click.visitor_id[:64], "is_bot": click.is_bot,
            "user_agent": (click.user_agent or "")[:200] or None,
            "clicked_at": datetime.fromtimestamp(click.clicked_at, UTC)}


class ClickFlusher:
    def __init__(self, buffer: ClickBuffer, sessionmaker: async_sessionmaker[Any], interval_s: float) -> None:
        self.buffer, self.sessionmaker, self.interval_s = buffer, sessionmaker, interval_s
        self.written = 0

    async def flush_once(self) -> int | None:
        """Write one batch; None when another worker holds the flush lock."""
        batch = await self.buffer.take(BATCH)
        if batch is None:
            return None
        if batch:
            await self._insert(batch)
            await self.buffer.commit(len(batch))
            self.written += len(batch)
        await self.buffer.release()
        return len(batch)

    async def _insert(self, batch: list[ClickRecord]) -> None:
        async with self.sessionmaker() as session:
            dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
            # Idempotent: a batch replayed after a crash or lost lock inserts nothing twice.
            stmt = dialect.insert(Click.__table__).on_conflict_do_nothing(index_elements=["id"])  # type: ignore[attr-defined]
            await session.execute(stmt, [_row(c) for c in batch])
            await session.commit()

    async def drain(self, timeout_s: float = 15.0) -> None:
        """Flush until the buffer is empty (waiting out another worker's lock), or time runs out."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while await self.buffer.pending() > 0 and loop.time() < deadline:
            if await self.flush_once() is None:
                await asyncio.sleep(0.05)

    async def run(self) -> None:
        while True:
            try:
                while (await self.flush_once() or 0) >= BATCH:
                    pass
            except Exception:  # a database or Redis hiccup: the clicks stay buffered, try again
                log.exception("click flush failed; will retry")
            await asyncio.sleep(self.interval_s)


def make_buffer(state: Any) -> ClickBuffer:
    settings = state.settings
    if state.redis is not None:
        return RedisClickBuffer(state.redis, settings.redis_namespace, settings.click_dedupe_seconds,
                                settings.click_bot_ip_per_minute)
    return MemoryClickBuffer(settings.click_dedupe_seconds, settings.click_bot_ip_per_minute)


@asynccontextmanager
async def click_flusher_lifespan(app: Any) -> AsyncIterator[None]:
    """Start the background flusher; on a clean shutdown write every buffered click first."""
    buffer = make_buffer(app.state)
    flusher = ClickFlusher(buffer, app.state.sessionmaker, app.state.settings.click_flush_interval_ms / 1000)
    app.state.click_buffer, app.state.click_flusher = buffer, flusher
    task = asyncio.create_task(flusher.run(), name="click-flusher")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        try:
            await flusher.drain()
        except Exception:
            log.exception("final click flush failed; %s clicks remain buffered", await _pending(buffer))


async def _pending(buffer: ClickBuffer) -> int | str:
    with contextlib.suppress(Exception):
        return await buffer.pending()
    return "unknown"


__all__ = ["ClickFlusher", "MemoryClickBuffer", "click_flusher_lifespan", "make_buffer"]
