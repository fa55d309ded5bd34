"""The live room of one worker process: the store, the hub of open rooms and the Channels plugin,
built by the app's lifespan and kept on `app.state.liveroom`. Outbox handlers are given it as their
`room` parameter (bound by the composition root); nothing finds it through a module global."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from typing import Any

import structlog
from litestar import Litestar
from litestar.channels import ChannelsPlugin

from broadcast.liveroom.fanout import FanoutStatus
from broadcast.liveroom.hub import RoomHub
from broadcast.liveroom.loader import lineup_view, load_room
from broadcast.liveroom.plugin import fanout_status
from broadcast.liveroom.store import RoomStore
from broadcast.liveroom.store_memory import MemoryRoomStore
from broadcast.liveroom.store_redis import RedisRoomStore

log = structlog.get_logger("liveroom")


class LiveRoom:
    def __init__(self, store: RoomStore, hub: RoomHub, fanout: FanoutStatus | None = None) -> None:
        self.store = store
        self.hub = hub
        self.fanout = fanout or FanoutStatus()

    async def publish(self, session_id: str, body: dict[str, Any]) -> str:
        return await self.store.append(session_id, body)

    async def announce(self, session_id: str, body: dict[str, Any]) -> bool:
        """Publish after a committed HTTP action, which must not fail because Redis is away:
        the rooms learn the change from the database when they reload on Redis's return."""
        try:
            await self.store.append(session_id, body)
        except Exception as exc:
            log.warning("room event not published (Redis away?)", session_id=session_id, error=repr(exc))
            return False
        return True

    async def publish_lineup(self, maker: Any, session_id: str) -> None:
        """The line-up changed (an item added or removed): send the room the new one."""
        async with maker() as session:
            items = await lineup_view(session, session_id)
        await self.publish(session_id, {"type": "lineup", "items": items})


def build(app: Litestar) -> LiveRoom:
    settings, redis = app.state.settings, app.state.redis
    channels = app.plugins.get(ChannelsPlugin)
    namespace = settings.redis_namespace
    store: RoomStore = RedisRoomStore(redis, namespace) if redis is not None else MemoryRoomStore(channels, namespace)
    worker_id = uuid.uuid4().hex[:12]
    hub = RoomHub(store, channels, namespace, worker_id, partial(load_room, app.state.sessionmaker))
    return LiveRoom(store, hub, fanout_status(channels))


@asynccontextmanager
async def liveroom_lifespan(app: Litestar) -> AsyncIterator[None]:
    room = build(app)
    app.state.liveroom = room
    app.state.setdefault("health_checks", {})["room_fanout"] = room.fanout.describe
    try:
        yield
    finally:
        await room.hub.close_all()


def of(app: Litestar) -> LiveRoom:
    room: LiveRoom = app.state.liveroom
    return room
