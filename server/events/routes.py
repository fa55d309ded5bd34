"""What the outbox mounts: the admin API over its dead letters (the page is in `server/web`)."""

from __future__ import annotations

from typing import Any

from server.events.controllers import OutboxAdminController

ROUTE_HANDLERS: list[Any] = [OutboxAdminController]
