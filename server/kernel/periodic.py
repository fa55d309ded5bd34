"""A worker's background jobs: run `job(app)` every few seconds for the app's lifetime.

Sweepers (unpaid orders, group-buys, lottery auto-close, competitions) and the reminder sender
share this one loop: a failing run is logged (once per outage) and later runs try again, further
apart while they keep failing, so a database that is away never kills the job nor floods the log;
shutdown cancels it cleanly."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

from server.kernel.backoff import FailureBackoff

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
    backoff = FailureBackoff(name, interval)
    wait_s = interval
    while True:
        await asyncio.sleep(wait_s)
        try:
            await job(app)
            backoff.succeeded()
            wait_s = interval
        except Exception as exc:  # the database or a provider may be away: log once, try again later
            wait_s = backoff.failed(exc)
