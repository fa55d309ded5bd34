"""A room as one worker serves it: one Channels subscription for the session, the room state kept
current from the ordered stream, a short ring of recent events for resuming, and the local
connections it fans out to. Joining is synchronous once the room is open, so a joiner's snapshot
(or replay) and its first live event meet exactly at the room's last seq.

When the worker loses its Redis subscription (`fanout.py`), the room tells every connection
`{"type":"degraded"}`; when it is back, the room reloads exactly as a newly opened room does and
sends every connection a fresh snapshot. Events published meanwhile were never delivered; the
snapshot includes their effect, so no viewer is left with a silent gap."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import structlog

from broadcast.liveroom.connection import Connection
from broadcast.liveroom.events import coalesce_key, encode
from broadcast.liveroom.fanout import FANOUT_DOWN, FANOUT_UP, Backoff
from broadcast.liveroom.state import RoomState
from broadcast.liveroom.store import WAITING, RoomStore
from broadcast.liveroom.watch import WatchTime
from server.kernel.clock import utcnow

log = structlog.get_logger("liveroom")
RING = 512
TICK_S = 0.05
PRESENCE_EVERY_S = 1.0
RELOAD_BACKOFF_CAP_S = 2.0
DEGRADED = encode(
    {"type": "degraded", "detail": "live updates are paused while the server reconnects; a fresh snapshot follows"}
)
Loader = Callable[[str], Awaitable[RoomState | None]]


@dataclass
class Seed:
    """What a room starts from: the state at `seq` and the history for resuming."""

    state: RoomState
    history: list[str]
    seq: int


# Reads a room's seed again; given the state held so far (its counters are floors), None = no session.
Reloader = Callable[[RoomState | None], Awaitable[Seed | None]]


class Room:
    def __init__(self, session_id: str, store: RoomStore, worker_id: str, reload: Reloader | None = None) -> None:
        self.session_id = session_id
        self.store = store
        self.worker_id = worker_id
        self.reload = reload
        self.degraded = False  # the subscription is down: events may be missing until the reload
        self.connections: set[Connection] = set()
        self.state: RoomState | None = None
        self.ring: deque[tuple[int, str]] = deque(maxlen=RING)
        self.counters_pending = False
        self.likes_buffer: Counter[str] = Counter()
        self.likers: set[str] = set()  # visitors who liked since the last tick (lottery entry)
        self.closing = False
        self.watch = WatchTime()
        self._tasks: list[asyncio.Task[None]] = []

    @property
    def last_seq(self) -> int:
        return self.state.seq if self.state else 0

    def seed(self, state: RoomState, history: list[str], seq: int) -> None:
        """Start from the database view plus counters at `seq`; later events are applied on top."""
        state.seq = seq
        self.state = state
        for raw in history:
            event = json.loads(raw)
            if event["seq"] <= seq:
                self.ring.append((event["seq"], raw))

    def start(self, events: Any) -> None:
        self._tasks = [
            asyncio.create_task(self._consume(events), name=f"room-{self.session_id}"),
            asyncio.create_task(self._tick(), name=f"room-tick-{self.session_id}"),
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        with contextlib.suppress(Exception):
            await self.store.presence(self.session_id, self.worker_id, 0, {})
        with contextlib.suppress(Exception):
            await self._hand_over_watch()

    async def _consume(self, events: Any) -> None:
        async for raw in events:
            if raw == FANOUT_DOWN:
                self._degrade()
                continue
            if raw == FANOUT_UP:
                await self._recover()
                continue
            try:
                await self.receive(raw.decode() if isinstance(raw, bytes) else raw)
            except Exception as exc:  # one bad event must not stop the room
                log.warning("room event dropped", session_id=self.session_id, error=repr(exc))

    async def receive(self, raw: str) -> None:
        event = json.loads(raw)
        seq = int(event["seq"])
        if seq <= self.last_seq:
            if not self._is_restart(seq, raw):
                return  # already applied (seen in the seed or a gap fill)
            log.warning("room seq restarted (Redis lost its keys?)", session_id=self.session_id, seq=seq)
            self.ring.clear()
            assert self.state is not None
            self.state.seq = seq - 1
            for connection in self.connections:
                connection.queue.floor = seq - 1
        if seq > self.last_seq + 1:
            await self._fill_gap(seq)
        self.accept(event, raw)

    def _degrade(self) -> None:
        self.degraded = True
        for connection in self.connections:
            connection.answer(DEGRADED)

    async def _recover(self) -> None:
        """Reload until it works (the database or Redis may still be waking up), then resend.
        This runs in the consuming task, so events arriving meanwhile wait in order behind it."""
        backoff = Backoff(cap_s=RELOAD_BACKOFF_CAP_S)
        while True:
            try:
                seed = await self._reload()
                break
            except Exception as exc:
                log.warning("room reload failed", session_id=self.session_id, error=repr(exc))
                await asyncio.sleep(backoff.next())
        self.degraded = False
        if seed is not None:
            self.resend(seed)

    async def _reload(self) -> Seed | None:
        if self.reload is None:
            return None
        count, refs = self.viewer_refs()  # first count ourselves in: Redis may have lost presence
        await self.store.presence(self.session_id, self.worker_id, count, refs)
        return await self.reload(self.state)

    def resend(self, seed: Seed) -> None:
        """Start again from `seed` and send every connection the snapshot a joiner would get."""
        self.ring.clear()
        self.seed(seed.state, seed.history, seed.seq)
        frame = self.snapshot_frame()
        for connection in self.connections:
            connection.queue.floor = self.last_seq
            connection.answer(frame)

    def snapshot_frame(self) -> str:
        assert self.state is not None
        return encode({**self.state.snapshot(), "worker": self.worker_id})

    def _is_restart(self, seq: int, raw: str) -> bool:
        """A seq we have passed, carrying a different event: the sequence began again."""
        seen = next((old for s, old in self.ring if s == seq), None)
        if seen is not None:
            return seen != raw
        return not self.ring or seq < self.ring[0][0]

    async def _fill_gap(self, upto: int) -> None:
        """Events published before our subscription took effect: take them from the history."""
        for raw in await self.store.history_after(self.session_id, self.last_seq):
            event = json.loads(raw)
            if self.last_seq < event["seq"] < upto:
                self.accept(event, raw)
        if self.last_seq + 1 < upto:
            log.warning("room seq gap not in history", session_id=self.session_id, have=self.last_seq, got=upto)

    def accept(self, event: dict[str, Any], raw: str) -> None:
        assert self.state is not None
        self.state.apply(event)
        seq = int(event["seq"])
        self.ring.append((seq, raw))
        key = coalesce_key(event)
        for connection in self.connections:
            connection.deliver(seq, key, raw)

    def attach(self, connection: Connection, last_seq: int | None) -> list[str]:
        """Add a connection; returns its first frames (a snapshot, or a replay after `last_seq`)."""
        assert self.state is not None
        replay = self.replay_after(last_seq) if last_seq is not None else None
        if replay is None:
            first = [self.snapshot_frame()]
        else:
            first = [encode({"type": "resumed", "after_seq": last_seq, "replayed": len(replay)}), *replay]
        if self.degraded:
            first.append(DEGRADED)
        connection.queue.floor = self.last_seq
        self.connections.add(connection)
        if not connection.console:
            self.watch.join(connection.visitor_id, utcnow())
        return first

    def replay_after(self, last_seq: int) -> list[str] | None:
        """The events after `last_seq` if the ring still holds all of them, else None (resync)."""
        if last_seq > self.last_seq or last_seq < 0:
            return None
        missed = [raw for seq, raw in self.ring if seq > last_seq]
        if len(missed) != self.last_seq - last_seq:
            return None
        return missed

    def detach(self, connection: Connection) -> None:
        if connection in self.connections:
            self.connections.discard(connection)
            if not connection.console:
                self.watch.leave(connection.visitor_id, utcnow())

    def _drop_stuck(self) -> None:
        """A peer that stopped reading (its send has not finished for a while) leaves the room."""
        now = time.monotonic()
        for connection in [c for c in self.connections if c.is_stuck(now)]:
            self.detach(connection)
            connection.abandon()

    def buffer_likes(self, count: int, ref: str | None, visitor_id: str | None = None) -> None:
        """Likes are summed here and handed to the store once a tick: one Redis call per worker
        per tick instead of one per tap, whatever the tap rate."""
        self.likes_buffer[ref or ""] += count
        if visitor_id:
            self.likers.add(visitor_id)

    async def _flush_likes(self) -> None:
        if self.likers:
            likers, self.likers = self.likers, set()
            at_ms = int(utcnow().timestamp() * 1000)
            await self.store.record_likers(self.session_id, dict.fromkeys(likers, at_ms))
        if not self.likes_buffer:
            return
        batch, self.likes_buffer = dict(self.likes_buffer), Counter()
        try:
            status = await self.store.like(self.session_id, batch)
        except Exception:
            self.likes_buffer.update(batch)  # keep them for the next tick
            raise
        self.counters_pending = self.counters_pending or status == WAITING

    def viewer_refs(self) -> tuple[int, dict[str, int]]:
        """(sockets watching, distinct visitors per link code): a visitor with many tabs open on
        a partner's link is one viewer for that partner's funnel."""
        viewers = [c for c in self.connections if not c.console]
        backed = {(c.ref, c.visitor_id) for c in viewers if c.ref}
        return len(viewers), dict(Counter(ref for ref, _ in backed))

    async def _hand_over_watch(self) -> None:
        watched_ms = self.watch.take(utcnow())
        if not watched_ms:
            return
        try:
            await self.store.add_watch_ms(self.session_id, watched_ms)
        except Exception:
            self.watch.give_back(watched_ms)  # for the next tick
            raise

    async def _tick(self) -> None:
        """Flush coalesced counters while some are pending; report presence once a second."""
        loop = asyncio.get_running_loop()
        next_presence = 0.0
        while True:
            try:
                await self._flush_likes()
                if self.counters_pending:
                    self.counters_pending = WAITING in await self.store.flush(self.session_id)
                if loop.time() >= next_presence:
                    next_presence = loop.time() + PRESENCE_EVERY_S
                    # counts added elsewhere (another worker's outbox handler) still get flushed
                    self.counters_pending = WAITING in await self.store.flush(self.session_id)
                    self._drop_stuck()
                    count, refs = self.viewer_refs()
                    await self.store.presence(self.session_id, self.worker_id, count, refs)
                    await self._hand_over_watch()
            except Exception as exc:  # Redis may be briefly away: counters wait, the room lives on
                log.warning("room tick failed", session_id=self.session_id, error=repr(exc))
            await asyncio.sleep(TICK_S)
