"""The live room of one worker process: the store, the hub of open rooms and the Channels plugin,
built by the app's lifespan and kept on `app.state.liveroom`. Outbox handlers (which get only a
database session) find it through `current()`."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from typing import Any

from litestar import Litestar
from litestar.channels import ChannelsPlugin

from broadcast.liveroom.hub import RoomHub
from broadcast.liveroom.loader import load_room
from broadcast.liveroom.store import RoomStore
from broadcast.liveroom.store_memory import MemoryRoomStore
from broadcast.liveroom.store_redis import RedisRoomStore

_current: LiveRoom | None = None


class LiveRoom:
    def __init__(self, store: RoomStore, hub: RoomHub, dispatcher_wakeup: Any = None) -> None:
        self.store = store
        self.hub = hub
        self.dispatcher_wakeup = dispatcher_wakeup

    async def publish(self, session_id: str, body: dict[str, Any]) -> str:
        return await self.store.append(session_id, body)


def build(app: Litestar) -> LiveRoom:
    settings, redis = app.state.settings, app.state.redis
    channels = app.plugins.get(ChannelsPlugin)
    namespace = settings.redis_namespace
    store: RoomStore = RedisRoomStore(redis, namespace) if redis is not None else MemoryRoomStore(channels, namespace)
    worker_id = uuid.uuid4().hex[:12]
    hub = RoomHub(store, channels, namespace, worker_id, partial(load_room, app.state.sessionmaker))
    return LiveRoom(store, hub, app.state.dispatcher.wakeup)


def current() -> LiveRoom | None:
    return _current


@asynccontextmanager
async def liveroom_lifespan(app: Litestar) -> AsyncIterator[None]:
    global _current
    room = build(app)
    app.state.liveroom = room
    _current = room
    try:
        yield
    finally:
        await room.hub.close_all()
        if _current is room:
            _current = None


def of(app: Litestar) -> LiveRoom:
    room: LiveRoom = app.state.liveroom
    return room
