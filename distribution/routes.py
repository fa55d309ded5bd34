"""Everything the distribution end mounts on the app."""

from __future__ import annotations

from typing import Any

ROUTE_HANDLERS: list[Any] = []
