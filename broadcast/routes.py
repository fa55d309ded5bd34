"""Everything the live end mounts on the app (the composition root imports this list)."""

from __future__ import annotations

from typing import Any

from broadcast.checkout import routes as checkout_routes
from broadcast.controllers import BrandController, SessionController, SkuController
from broadcast.liveroom.api import RoomCommentController
from broadcast.liveroom.console import console_socket
from broadcast.liveroom.handlers import EVENT_HANDLERS as LIVEROOM_EVENT_HANDLERS
from broadcast.liveroom.plugin import channels_plugin
from broadcast.liveroom.runtime import liveroom_lifespan
from broadcast.liveroom.viewer import viewer_socket
from broadcast.lottery import routes as lottery_routes

ROUTE_HANDLERS: list[Any] = [BrandController, SkuController, SessionController, RoomCommentController,
                             viewer_socket, console_socket, *checkout_routes.ROUTE_HANDLERS,
                             *lottery_routes.ROUTE_HANDLERS]
EVENT_HANDLERS: dict[str, list[Any]] = {**LIVEROOM_EVENT_HANDLERS, **lottery_routes.EVENT_HANDLERS}
LIFESPANS: list[Any] = [liveroom_lifespan, *checkout_routes.LIFESPANS, *lottery_routes.LIFESPANS]


def plugins(settings: Any, redis: Any) -> list[Any]:
    return [channels_plugin(settings.redis_namespace, redis)]
