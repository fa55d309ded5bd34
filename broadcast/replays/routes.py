"""What replays mount: their controller and the outbox consumers that record the live's moments
(wired in broadcast/routes.py)."""

from __future__ import annotations

from typing import Any

from broadcast.replays.controllers import ReplayController
from broadcast.replays.handlers import EVENT_HANDLERS as REPLAY_EVENT_HANDLERS

ROUTE_HANDLERS: list[Any] = [ReplayController]
EVENT_HANDLERS: dict[str, list[Any]] = dict(REPLAY_EVENT_HANDLERS)
