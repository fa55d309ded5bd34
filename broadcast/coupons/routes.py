"""What coupons mount: controllers and the room's outbox handlers (wired in broadcast/routes.py)."""

from __future__ import annotations

from typing import Any

from broadcast.coupons.controllers import CouponController, RoomCouponController
from broadcast.coupons.handlers import EVENT_HANDLERS as COUPON_EVENT_HANDLERS

ROUTE_HANDLERS: list[Any] = [CouponController, RoomCouponController]
EVENT_HANDLERS: dict[str, list[Any]] = dict(COUPON_EVENT_HANDLERS)
