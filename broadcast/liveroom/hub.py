"""A worker's open rooms: opened on the first connection, closed a little after the last one
leaves (so a quick reconnect does not churn the Channels subscription, where Litestar's
subscribe/unsubscribe race could drop events)."""

from __future__ import annotations

import asyncio
import contextlib
from functools import partial

from litestar.channels import ChannelsPlugin

from broadcast.liveroom.events import channel_of
from broadcast.liveroom.recount import rebuilt_counters
from broadcast.liveroom.room import RING, Loader, Room, Seed
from broadcast.liveroom.state import RoomState
from broadcast.liveroom.store import RoomStore

LINGER_S = 10.0


class RoomHub:
    def __init__(
        self,
        store: RoomStore,
        channels: ChannelsPlugin,
        namespace: str,
        worker_id: str,
        loader: Loader,
        linger_s: float = LINGER_S,
    ) -> None:
        self.store = store
        self.channels = channels
        self.namespace = namespace
        self.worker_id = worker_id
        self.loader = loader
        self.linger_s = linger_s
        self.rooms: dict[str, Room] = {}
        self._subscribers: dict[str, object] = {}
        self._lock = asyncio.Lock()
        self._closers: dict[str, asyncio.Task[None]] = {}

    async def room(self, session_id: str) -> Room | None:
        """The open room for `session_id` (opening it if needed), or None if there is no such session."""
        room = self.rooms.get(session_id)
        if room is not None and not room.closing:
            self._cancel_close(session_id)
            return room
        async with self._lock:
            room = self.rooms.get(session_id)
            if room is None:
                room = await self._open(session_id)
            self._cancel_close(session_id)
            return room

    async def _open(self, session_id: str) -> Room | None:
        channel = channel_of(self.namespace, session_id)
        subscriber = await self.channels.subscribe(channel)  # before reading seq: nothing slips between
        try:
            seed = await self.seed(session_id, None)
        except BaseException:
            await self.channels.unsubscribe(subscriber, channel)  # else the channel stays claimed
            raise
        if seed is None:
            await self.channels.unsubscribe(subscriber, channel)
            return None
        room = Room(session_id, self.store, self.worker_id, partial(self.seed, session_id))
        room.seed(seed.state, seed.history, seed.seq)
        room.start(subscriber.iter_events())
        self.rooms[session_id] = room
        self._subscribers[session_id] = subscriber
        return room

    async def seed(self, session_id: str, known: RoomState | None) -> Seed | None:
        """The room read afresh: seq first, then the database, counters (rebuilt to their durable
        floors, `recount`) and history. A new room and a room recovering from an outage both
        start here. `known`: the state held before a reload."""
        seq = await self.store.current_seq(session_id)
        state = await self.loader(session_id)
        if state is None:
            return None
        counters = await rebuilt_counters(self.store, session_id, state.carts, known)
        state.likes, state.carts, state.viewers = counters.likes, counters.carts, counters.viewers
        return Seed(state, await self.store.history_after(session_id, max(0, seq - RING)), seq)

    def release(self, room: Room) -> None:
        """A connection left; close the room after the linger if nobody else is in it."""
        if room.connections or room.session_id in self._closers:
            return
        self._closers[room.session_id] = asyncio.create_task(self._close_later(room))

    def _cancel_close(self, session_id: str) -> None:
        closer = self._closers.pop(session_id, None)
        if closer is not None:
            closer.cancel()

    async def _close_later(self, room: Room) -> None:
        await asyncio.sleep(self.linger_s)
        async with self._lock:
            self._closers.pop(room.session_id, None)
            if room.connections or self.rooms.get(room.session_id) is not room:
                return
            room.closing = True
            await self._close(room)

    async def _close(self, room: Room) -> None:
        self.rooms.pop(room.session_id, None)
        subscriber = self._subscribers.pop(room.session_id, None)
        await room.stop()
        if subscriber is not None:
            with contextlib.suppress(Exception):
                await self.channels.unsubscribe(subscriber, channel_of(self.namespace, room.session_id))  # type: ignore[arg-type]

    async def close_all(self) -> None:
        for closer in list(self._closers.values()):
            closer.cancel()
        for room in list(self.rooms.values()):
            await self._close(room)
