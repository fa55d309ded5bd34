"""Everything the live end mounts on the app (the composition root imports this list)."""

from __future__ import annotations

from typing import Any

from broadcast.checkout import routes as checkout_routes
from broadcast.controllers import BrandController, SessionController, SkuController
from broadcast.groupbuy import routes as groupbuy_routes
from broadcast.liveroom.api import RoomCommentController
from broadcast.liveroom.console import console_socket
from broadcast.liveroom.handlers import EVENT_HANDLERS as LIVEROOM_EVENT_HANDLERS
from broadcast.liveroom.plugin import channels_plugin
from broadcast.liveroom.runtime import liveroom_lifespan
from broadcast.liveroom.viewer import viewer_socket

ROUTE_HANDLERS: list[Any] = [BrandController, SkuController, SessionController, RoomCommentController,
                             viewer_socket, console_socket, *checkout_routes.ROUTE_HANDLERS,
                             *groupbuy_routes.ROUTE_HANDLERS]
EVENT_HANDLERS: dict[str, list[Any]] = dict(LIVEROOM_EVENT_HANDLERS)
for _topic, _handlers in groupbuy_routes.EVENT_HANDLERS.items():
    EVENT_HANDLERS[_topic] = [*EVENT_HANDLERS.get(_topic, []), *_handlers]
LIFESPANS: list[Any] = [liveroom_lifespan, *checkout_routes.LIFESPANS, *groupbuy_routes.LIFESPANS]


def plugins(settings: Any, redis: Any) -> list[Any]:
    return [channels_plugin(settings.redis_namespace, redis)]
