"""What the room's counters say now (Redis, or the worker's memory): online viewers, the like
total, the unique viewers and their measured watch time. An app without a live room, or with
Redis away, reads zeros: the figures fall back on the stored minutes."""

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
    watch_s: int = 0  # measured: every visitor's time in the room so far (broadcast/liveroom/watch.py)


async def room_now(state: Any, live: LiveSession) -> RoomNow:
    room = getattr(state, "liveroom", None)
    if room is None:
        return RoomNow()
    try:
        counters = await room.store.counters(live.id)
        unique = await room.store.unique_viewers(live.id)
        watch_s = await room.store.watch_ms(live.id) // 1000
    except Exception as exc:  # Redis away: the stored minutes still hold what was sampled
        log.warning("room counters unavailable", session_id=live.id, error=repr(exc))
        return RoomNow()
    online = counters.viewers if live.state == SessionState.LIVE else 0
    return RoomNow(online=online, likes=counters.likes, unique_viewers=unique, watch_s=watch_s)
