"""Everything the live end mounts on the app (the composition root imports this list)."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from broadcast.checkout import routes as checkout_routes
from broadcast.controllers import BrandController, SessionController, SkuController
from broadcast.coupons import routes as coupon_routes
from broadcast.fulfilment import routes as fulfilment_routes
from broadcast.groupbuy import routes as groupbuy_routes
from broadcast.liveroom.api import RoomCommentController
from broadcast.liveroom.console import console_socket
from broadcast.liveroom.handlers import EVENT_HANDLERS as LIVEROOM_EVENT_HANDLERS
from broadcast.liveroom.plugin import channels_plugin
from broadcast.liveroom.runtime import liveroom_lifespan
from broadcast.liveroom.viewer import viewer_socket
from broadcast.lottery import routes as lottery_routes
from broadcast.reminders import routes as reminder_routes
from broadcast.replays import routes as replay_routes

# The live end's sub-packages, each with its own ROUTE_HANDLERS and, optionally, EVENT_HANDLERS and LIFESPANS.
PARTS: list[ModuleType] = [
    checkout_routes,
    fulfilment_routes,
    coupon_routes,
    groupbuy_routes,
    lottery_routes,
    reminder_routes,
    replay_routes,
]


def _handlers(*tables: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """Every part's consumers of a topic, in order (a topic may have several)."""
    merged: dict[str, list[Any]] = {}
    for table in tables:
        for topic, handlers in table.items():
            merged.setdefault(topic, []).extend(handlers)
    return merged


ROUTE_HANDLERS: list[Any] = [
    BrandController,
    SkuController,
    SessionController,
    RoomCommentController,
    viewer_socket,
    console_socket,
    *(h for p in PARTS for h in p.ROUTE_HANDLERS),
]
EVENT_HANDLERS: dict[str, list[Any]] = _handlers(
    LIVEROOM_EVENT_HANDLERS, *(getattr(p, "EVENT_HANDLERS", {}) for p in PARTS)
)
LIFESPANS: list[Any] = [liveroom_lifespan, *(h for p in PARTS for h in getattr(p, "LIFESPANS", []))]


def plugins(settings: Any, redis: Any) -> list[Any]:
    return [channels_plugin(settings.redis_namespace, redis)]
