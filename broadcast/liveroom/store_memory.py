"""The room store in process memory, for one worker without Redis. Same semantics as the Redis
script; events go out through the Channels memory backend."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

from litestar.channels import ChannelsPlugin

from broadcast.liveroom.events import body_prefix, channel_of, finish
from broadcast.liveroom.store import (
    COUNTER_GATE_MS,
    HISTORY_MAX,
    IDLE,
    PUBLISHED,
    VIEWERS_GATE_MS,
    WAITING,
    Counters,
    funnel,
    merge_refs,
)


@dataclass
class _Room:
    seq: int = 0
    history: deque[tuple[int, str]] = field(default_factory=lambda: deque(maxlen=HISTORY_MAX))
    likes: int = 0
    carts: dict[str, int] = field(default_factory=dict)
    likes_by_ref: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    carts_by_ref: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    orders: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    dirty: set[str] = field(default_factory=set)
    gates: dict[str, float] = field(default_factory=dict)
    presence: dict[str, tuple[int, dict[str, int]]] = field(default_factory=dict)
    viewers_last: int | None = None
    likers: dict[str, int] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)
    watch_ms: int = 0


class MemoryRoomStore:
    def __init__(self, channels: ChannelsPlugin, namespace: str, clock: Any = time.monotonic) -> None:
        self.channels = channels
        self.namespace = namespace
        self.clock = clock
        self._rooms: dict[str, _Room] = defaultdict(_Room)
        self._windows: dict[str, int] = defaultdict(int)

    async def append(self, session_id: str, body: dict[str, Any]) -> str:
        room = self._rooms[session_id]
        # No await between taking the seq and handing the event to the backend: order is kept.
        room.seq += 1
        event = finish(body_prefix(body), room.seq, int(time.time() * 1000))
        room.history.append((room.seq, event))
        await self.channels.wait_published(event, channel_of(self.namespace, session_id))
        return event

    def _gate_open(self, room: _Room, name: str, gate_ms: int) -> bool:
        now = self.clock()
        if room.gates.get(name, 0.0) > now:
            return False
        room.gates[name] = now + gate_ms / 1000
        return True

    async def _flush_one(self, session_id: str, name: str) -> int:
        room = self._rooms[session_id]
        if name not in room.dirty:
            return IDLE
        if not self._gate_open(room, name, COUNTER_GATE_MS):
            return WAITING
        room.dirty.discard(name)
        body = (
            {"type": "likes", "total": room.likes} if name == "likes" else {"type": "carts", "counts": dict(room.carts)}
        )
        await self.append(session_id, body)
        return PUBLISHED

    async def like(self, session_id: str, by_ref: dict[str, int]) -> int:
        room = self._rooms[session_id]
        for ref, count in by_ref.items():
            room.likes += count
            if ref:
                room.likes_by_ref[ref] += count
        room.dirty.add("likes")
        return await self._flush_one(session_id, "likes")

    async def cart(self, session_id: str, sku_id: str, quantity: int, ref: str | None) -> int:
        room = self._rooms[session_id]
        room.carts[sku_id] = room.carts.get(sku_id, 0) + quantity
        if ref:
            room.carts_by_ref[ref] += quantity
        room.dirty.add("carts")
        return await self._flush_one(session_id, "carts")

    async def flush(self, session_id: str) -> tuple[int, int]:
        return await self._flush_one(session_id, "likes"), await self._flush_one(session_id, "carts")

    async def presence(self, session_id: str, worker: str, count: int, refs: dict[str, int]) -> int:
        room = self._rooms[session_id]
        if count > 0:
            room.presence[worker] = (count, dict(refs))
        else:
            room.presence.pop(worker, None)
        total = sum(c for c, _ in room.presence.values())
        if room.viewers_last != total and self._gate_open(room, "viewers", VIEWERS_GATE_MS):
            room.viewers_last = total
            await self.append(session_id, {"type": "viewers", "count": total})
        return total

    async def current_seq(self, session_id: str) -> int:
        return self._rooms[session_id].seq

    async def history_after(self, session_id: str, seq: int) -> list[str]:
        return [event for s, event in self._rooms[session_id].history if s > seq]

    async def counters(self, session_id: str) -> Counters:
        room = self._rooms[session_id]
        return Counters(likes=room.likes, carts=dict(room.carts), viewers=sum(c for c, _ in room.presence.values()))

    async def raise_counters(self, session_id: str, likes: int, carts: dict[str, int]) -> None:
        room = self._rooms[session_id]
        room.likes = max(room.likes, likes)
        for sku_id, count in carts.items():
            room.carts[sku_id] = max(room.carts.get(sku_id, 0), count)

    async def ref_counts(self, session_id: str) -> dict[str, dict[str, int]]:
        room = self._rooms[session_id]
        viewers = merge_refs([refs for _, refs in room.presence.values()])
        return funnel(viewers, dict(room.likes_by_ref), dict(room.carts_by_ref))

    async def add_orders(self, session_id: str, quantities: dict[str, int]) -> None:
        for sku_id, quantity in quantities.items():
            self._rooms[session_id].orders[sku_id] += quantity

    async def orders(self, session_id: str) -> dict[str, int]:
        return dict(self._rooms[session_id].orders)

    async def record_likers(self, session_id: str, likers: dict[str, int]) -> None:
        self._rooms[session_id].likers.update(likers)

    async def liked_at(self, session_id: str, visitor_id: str) -> int | None:
        return self._rooms[session_id].likers.get(visitor_id)

    async def note_viewer(self, session_id: str, visitor_id: str) -> None:
        self._rooms[session_id].seen.add(visitor_id)

    async def unique_viewers(self, session_id: str) -> int:
        return len(self._rooms[session_id].seen)

    async def add_watch_ms(self, session_id: str, ms: int) -> None:
        self._rooms[session_id].watch_ms += ms

    async def watch_ms(self, session_id: str) -> int:
        return self._rooms[session_id].watch_ms

    async def allow(self, key: str, limit: int, window_s: int) -> bool:
        full = f"{key}:{int(time.time()) // window_s}"
        self._windows[full] += 1
        if len(self._windows) > 10_000:  # old windows are never read again
            self._windows = defaultdict(int, {full: self._windows[full]})
        return self._windows[full] <= limit
