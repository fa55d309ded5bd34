"""Routes of the payments entry (webhooks)."""

from __future__ import annotations

from typing import Any

ROUTE_HANDLERS: list[Any] = []
