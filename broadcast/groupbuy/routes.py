"""What group-buy mounts: its controllers, its outbox handlers and the group sweeper."""

from __future__ import annotations

from typing import Any

from broadcast.groupbuy.controllers import GroupController, GroupOfferController
from broadcast.groupbuy.events import EVENT_HANDLERS as GROUP_EVENT_HANDLERS
from broadcast.groupbuy.sweep import group_sweeper

ROUTE_HANDLERS: list[Any] = [GroupOfferController, GroupController]
EVENT_HANDLERS: dict[str, list[Any]] = GROUP_EVENT_HANDLERS
LIFESPANS: list[Any] = [group_sweeper]
