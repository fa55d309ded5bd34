"""Everything the live end mounts on the app (the composition root imports this list)."""

from __future__ import annotations

from typing import Any

from broadcast.checkout import routes as checkout_routes
from broadcast.controllers import BrandController, SessionController, SkuController

ROUTE_HANDLERS: list[Any] = [BrandController, SkuController, SessionController, *checkout_routes.ROUTE_HANDLERS]
LIFESPANS: list[Any] = [*checkout_routes.LIFESPANS]
