"""Everything the live end mounts on the app (the composition root imports this list)."""

from __future__ import annotations

from typing import Any

from broadcast.controllers import BrandController, SessionController, SkuController

ROUTE_HANDLERS: list[Any] = [BrandController, SkuController, SessionController]
