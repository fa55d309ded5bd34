"""A worker's background jobs: run `job(app)` every few seconds for the app's lifetime.

Sweepers (unpaid orders, lost payment webhooks, group-buys, lottery auto-close, competitions) and
the reminder sender share this one loop: a failing run is logged and the next one tries again, so
a database that is briefly away never kills the job; shutdown cancels it cleanly."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import structlog

log = structlog.get_logger("periodic")

Job = Callable[[Any], Awaitable[object]]
Lifespan = Callable[[Any], AbstractAsyncContextManager[None]]


def periodic(name: str, interval_s: Callable[[Any], float], job: Job) -> Lifespan:
    """A LIFESPAN running `job(app)` every `interval_s(app)` seconds; 0 or less = off (tests drive it)."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        interval = interval_s(app)
        task = asyncio.create_task(_every(name, interval, job, app), name=name) if interval > 0 else None
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    lifespan.__name__ = name.replace("-", "_")
    return lifespan


async def _every(name: str, interval: float, job: Job, app: Any) -> None:
    while True:
        await asyncio.sleep(interval)
        try:
            await job(app)
        except Exception as exc:  # the database or a provider may be briefly away: try again next time
            log.warning("background job failed", job=name, error=repr(exc))
