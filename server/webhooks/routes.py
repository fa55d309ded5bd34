"""What order webhooks mount: the API, the outbox consumer and the delivery worker."""

from __future__ import annotations

from typing import Any

from server.webhooks.controllers import WebhookEndpointController
from server.webhooks.fanout import EVENT_HANDLERS as FANOUT_HANDLERS
from server.webhooks.worker import webhook_worker

ROUTE_HANDLERS: list[Any] = [WebhookEndpointController]
EVENT_HANDLERS: dict[str, list[Any]] = FANOUT_HANDLERS
LIFESPANS: list[Any] = [webhook_worker]
