"""What the lottery mounts (wired in broadcast/routes.py)."""

from __future__ import annotations

from typing import Any

from broadcast.lottery.closing import auto_closer
from broadcast.lottery.controllers import LotteryController
from broadcast.lottery.handlers import EVENT_HANDLERS

ROUTE_HANDLERS: list[Any] = [LotteryController]
LIFESPANS: list[Any] = [auto_closer]
__all__ = ["EVENT_HANDLERS", "LIFESPANS", "ROUTE_HANDLERS"]
