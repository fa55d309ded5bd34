"""LIFESPAN: every `reminder_delivery_interval_s` seconds deliver what is due and sweep old
contacts (0 = off: tests call `deliver_due` themselves). One HTTP client per app."""

from __future__ import annotations

from typing import Any

import httpx
import structlog

from broadcast.reminders.delivery import DeliveryConfig, deliver_due
from broadcast.reminders.retention import forget_addresses_after, forget_confirmation_addresses
from server.kernel.periodic import periodic

log = structlog.get_logger("reminders.worker")


def config_from(settings: Any) -> DeliveryConfig:
    return DeliveryConfig(
        base_url=settings.public_base_url,
        max_attempts=settings.reminder_max_attempts,
        egress=settings.egress_policy,
        secret_key=settings.secret_key,
    )


async def _pass(app: Any) -> None:
    settings, maker = app.state.settings, app.state.sessionmaker
    # trust_env off: a proxy from the environment would connect by name, past the checked address.
    async with httpx.AsyncClient(trust_env=False) as client:
        await deliver_due(maker, config_from(settings), client)
    async with maker() as session:
        await forget_addresses_after(session, settings.reminder_personal_data_days)
        await forget_confirmation_addresses(session)


reminder_worker = periodic("reminder-worker", lambda app: app.state.settings.reminder_delivery_interval_s, _pass)
