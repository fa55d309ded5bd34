"""LIFESPAN: every `webhook_delivery_interval_s` seconds send the webhooks that are due (0 = off:
tests call `deliver_due` themselves). One HTTP client per pass, never the environment's proxy."""

from __future__ import annotations

from typing import Any

import httpx

from server.kernel.periodic import periodic
from server.webhooks.sending import SendConfig, deliver_due


def config_from(settings: Any) -> SendConfig:
    return SendConfig(egress=settings.egress_policy, disable_after_failures=settings.webhook_disable_after_failures)


async def _pass(app: Any) -> None:
    async with httpx.AsyncClient(trust_env=False) as client:
        await deliver_due(app.state.sessionmaker, config_from(app.state.settings), client)


webhook_worker = periodic("webhook-worker", lambda app: app.state.settings.webhook_delivery_interval_s, _pass)
