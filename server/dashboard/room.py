"""What the room's counters say now (Redis, or the worker's memory): online viewers, the like
total and the unique viewers. An app without a live room, or with Redis away, reads zeros: the
figures fall back on the stored minutes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import structlog

from broadcast.models import LiveSession, SessionState

log = structlog.get_logger("dashboard")


@dataclass(frozen=True)
class RoomNow:
    online: int = 0
    likes: int = 0
    unique_viewers: int = 0


async def room_now(state: Any, live: LiveSession) -> RoomNow:
    room = getattr(state, "liveroom", None)
    if room is None:
        return RoomNow()
    try:
        counters = await room.store.counters(live.id)
        unique = await room.store.unique_viewers(live.id)
    except Exception as exc:  # Redis away: the stored minutes still hold what was sampled
        log.warning("room counters unavailable", session_id=live.id, error=repr(exc))
        return RoomNow()
    online = counters.viewers if live.state == SessionState.LIVE else 0
    return RoomNow(online=online, likes=counters.likes, unique_viewers=unique)
