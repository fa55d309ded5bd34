"""LIFESPAN: every `reminder_delivery_interval_s` seconds deliver what is due and sweep old
contacts (0 = off: tests call `deliver_due` themselves). One HTTP client per app."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
import structlog

from broadcast.reminders.delivery import DeliveryConfig, deliver_due
from broadcast.reminders.retention import forget_addresses_after

log = structlog.get_logger("reminders.worker")


def config_from(settings: Any) -> DeliveryConfig:
    return DeliveryConfig(base_url=settings.public_base_url, max_attempts=settings.reminder_max_attempts)


@contextlib.asynccontextmanager
async def reminder_worker(app: Any) -> AsyncIterator[None]:
    interval = app.state.settings.reminder_delivery_interval_s
    task = asyncio.create_task(_loop(app, interval), name="reminder-worker") if interval > 0 else None
    try:
        yield
    finally:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def _loop(app: Any, interval: float) -> None:
    settings, maker = app.state.settings, app.state.sessionmaker
    async with httpx.AsyncClient() as client:
        while True:
            await asyncio.sleep(interval)
            try:
                await deliver_due(maker, config_from(settings), client)
                async with maker() as session:
                    await forget_addresses_after(session, settings.reminder_personal_data_days)
            except Exception as exc:  # the database may be briefly away; keep the loop alive
                log.warning("reminder pass failed", error=repr(exc))
