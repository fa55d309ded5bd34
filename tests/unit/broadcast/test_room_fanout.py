"""The supervised room subscriber on a fake pub/sub that loses its connection, and a room that
goes degraded and recovers with a fresh snapshot. No I/O, no real sleeps (the backoff's sleep
is injected)."""

from __future__ import annotations

import asyncio
import json
from collections import deque
from typing import Any

from redis.exceptions import ConnectionError as RedisConnectionError

from broadcast.liveroom.connection import Connection
from broadcast.liveroom.fanout import FANOUT_DOWN, FANOUT_UP, Backoff, FanoutStatus, SupervisedPubSubBackend
from broadcast.liveroom.recount import rebuilt_counters
from broadcast.liveroom.room import Room, Seed
from broadcast.liveroom.state import RoomState
from broadcast.liveroom.store_memory import MemoryRoomStore
from tests.waiting import eventually


class FakePubSub:
    """Plays a script: each step of `reads` is a message to return or an exception to raise."""

    def __init__(self, reads: list[Any], fail_connect: bool = False) -> None:
        self.reads = deque(reads)
        self.fail_connect = fail_connect
        self.subscribed: set[str] = set()
        self.closed = False

    async def connect(self) -> None:
        if self.fail_connect:
            raise RedisConnectionError("Connection refused")

    async def subscribe(self, *channels: str) -> None:
        self.subscribed.update(channels)

    async def unsubscribe(self, *channels: str) -> None:
        self.subscribed.difference_update(channels)

    async def get_message(self, ignore_subscribe_messages: bool = False, timeout: float | None = 0.0) -> Any:  # noqa: ASYNC109
        if not self.reads:
            await asyncio.Event().wait()  # nothing more: block like an idle connection
        step = self.reads.popleft()
        if isinstance(step, BaseException):
            raise step
        return step

    async def aclose(self) -> None:
        self.closed = True

    async def ping(self) -> None:
        self.reads.append({"type": "pong", "channel": None, "data": b""})


class SilentPubSub(FakePubSub):
    """A connection where nothing is published; each read waits one (fake) second. A peer that
    vanished answers no PING."""

    def __init__(self, clock: FakeClock, answers: bool, reads_before_blocking: int = 60) -> None:
        super().__init__([])
        self.clock, self.answers, self.pings, self.left = clock, answers, 0, reads_before_blocking

    async def get_message(self, ignore_subscribe_messages: bool = False, timeout: float | None = 0.0) -> Any:  # noqa: ASYNC109
        self.left -= 1
        if self.left < 0:
            await asyncio.Event().wait()
        self.clock.now += 1.0
        return self.reads.popleft() if self.reads else None

    async def ping(self) -> None:
        self.pings += 1
        if self.answers:
            await super().ping()


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def message(channel: str, data: bytes) -> dict[str, Any]:
    return {"type": "message", "channel": channel.encode(), "data": data}


class Recorder:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


async def take(stream: Any, count: int) -> list[tuple[str, bytes]]:
    return [await asyncio.wait_for(anext(stream), 1) for _ in range(count)]


def test_backoff_grows_to_its_cap_with_jitter_and_resets():
    low = Backoff(base_s=0.1, cap_s=1.0, rng=lambda: 0.0)
    high = Backoff(base_s=0.1, cap_s=1.0, rng=lambda: 0.999)
    assert [round(low.next(), 3) for _ in range(6)] == [0.05, 0.1, 0.2, 0.4, 0.5, 0.5]
    assert [round(high.next(), 2) for _ in range(6)] == [0.1, 0.2, 0.4, 0.8, 1.0, 1.0]
    low.reset()
    assert round(low.next(), 3) == 0.05


async def test_subscriber_survives_a_lost_connection_and_resubscribes_every_wanted_channel():
    # given a subscription that delivers one event, then loses Redis; Redis refuses once; then is back
    first = FakePubSub([message("room:a", b"e1"), RedisConnectionError("Connection closed by server.")])
    refused = FakePubSub([], fail_connect=True)
    second = FakePubSub([message("room:b", b"e2")])
    made = deque([first, refused, second])
    sleep, status = Recorder(), FanoutStatus()
    backend = SupervisedPubSubBackend(None, status, pubsub_factory=made.popleft, sleep=sleep)  # type: ignore[arg-type]
    await backend.on_startup()
    await backend.subscribe(["room:a"])
    stream = backend.stream_events()
    assert await take(stream, 1) == [("room:a", b"e1")]
    # when the connection drops, every room hears it once, and the outage shows in health
    assert await take(stream, 1) == [("room:a", FANOUT_DOWN)]
    assert status.describe().startswith("degraded: room subscriber reconnecting") and first.closed
    await backend.subscribe(["room:b"])  # a room opened during the outage: no error, remembered
    # then, once reconnected, every channel wanted now is subscribed again before the rooms reload
    assert await take(stream, 3) == [("room:a", FANOUT_UP), ("room:b", FANOUT_UP), ("room:b", b"e2")]
    assert second.subscribed == {"room:a", "room:b"}
    assert status.describe() == "ok" and status.outages == 1
    assert len(sleep.delays) == 2 and all(0 < d <= 1.0 for d in sleep.delays)  # backed off, never spun


async def test_an_event_of_a_channel_no_longer_wanted_is_dropped():
    pubsub = FakePubSub([message("room:gone", b"late"), message("room:a", b"e1")])
    backend = SupervisedPubSubBackend(None, pubsub_factory=lambda: pubsub, sleep=Recorder())  # type: ignore[arg-type]
    await backend.on_startup()
    await backend.subscribe(["room:a", "room:gone"])
    await backend.unsubscribe(["room:gone"])
    assert await take(backend.stream_events(), 1) == [("room:a", b"e1")]


async def test_a_connection_that_stops_answering_pings_counts_as_lost():
    clock = FakeClock()
    quiet, vanished = SilentPubSub(clock, answers=True), SilentPubSub(clock, answers=False)
    backend = SupervisedPubSubBackend(None, pubsub_factory=lambda: vanished, sleep=Recorder(), clock=clock)  # type: ignore[arg-type]
    await backend.on_startup()
    await backend.subscribe(["room:a"])
    assert await take(backend.stream_events(), 1) == [("room:a", FANOUT_DOWN)]
    assert vanished.pings == 1 and clock.now <= 16  # asked once after 10 quiet seconds, gave up 5 later
    # while a quiet connection that answers is kept
    backend = SupervisedPubSubBackend(None, pubsub_factory=lambda: quiet, sleep=Recorder(), clock=clock)  # type: ignore[arg-type]
    await backend.on_startup()
    reader = asyncio.create_task(anext(backend.stream_events()))
    await _until(lambda: quiet.left < 0)
    assert not reader.done() and quiet.pings >= 5 and backend.status.describe() == "ok"
    reader.cancel()


class Published:
    def __init__(self) -> None:
        self.events: list[str] = []

    async def wait_published(self, data: str, channel: str) -> None:
        self.events.append(data)


def live_state(**fields: Any) -> RoomState:
    return RoomState(session={"id": "s1", "state": "live"}, **fields)


class FakeSocket:
    async def send(self, message: dict[str, Any]) -> None:
        pass


def frames(connection: Connection) -> list[dict[str, Any]]:
    return [json.loads(x) for x in connection.queue.take()]


async def test_room_says_degraded_then_resends_a_fresh_snapshot_when_the_fanout_is_back():
    store = MemoryRoomStore(Published(), "ns")  # type: ignore[arg-type]
    attempts: list[RoomState | None] = []

    async def reload(known: RoomState | None) -> Seed:
        attempts.append(known)
        if len(attempts) == 1:
            raise RedisConnectionError("still waking up")  # the room retries
        return Seed(live_state(pinned_sku_id="sku_b"), [], seq=0)  # Redis came back empty

    room = Room("s1", store, "w1", reload)
    room.seed(live_state(pinned_sku_id="sku_a", likes=7), [], seq=40)
    viewer = Connection(FakeSocket(), "v1")
    room.attach(viewer, None)
    events: asyncio.Queue[bytes] = asyncio.Queue()
    consumer = asyncio.create_task(room._consume(_drain(events)))
    try:
        await events.put(FANOUT_DOWN)
        await _until(lambda: room.degraded)
        assert [f["type"] for f in frames(viewer)] == ["degraded"]
        late = Connection(FakeSocket(), "v2")
        assert [json.loads(x)["type"] for x in room.attach(late, None)] == ["snapshot", "degraded"]
        await events.put(FANOUT_UP)
        await _until(lambda: not room.degraded)
        for connection in (viewer, late):
            (snapshot,) = frames(connection)
            assert snapshot["type"] == "snapshot" and snapshot["pinned_sku_id"] == "sku_b" and snapshot["seq"] == 0
            assert connection.queue.floor == 0  # the new seq numbering gets through
        assert attempts[1] is not None and attempts[1].likes == 7  # the old state is the floor
        assert (await store.counters("s1")).viewers == 2  # counted itself in before reloading
    finally:
        consumer.cancel()


async def test_counters_are_raised_to_their_floors_never_lowered():
    store = MemoryRoomStore(None, "ns")  # type: ignore[arg-type]
    await store.raise_counters("s1", 5, {"sku_a": 9})
    known = live_state(likes=12, carts={"sku_a": 3, "sku_b": 4})
    counters = await rebuilt_counters(store, "s1", {"sku_a": 2, "sku_c": 1}, known)
    assert counters.likes == 12
    assert counters.carts == {"sku_a": 9, "sku_b": 4, "sku_c": 1}


async def _drain(queue: asyncio.Queue[bytes]) -> Any:
    while True:
        yield await queue.get()


async def _until(condition: Any, within_s: float = 2.0) -> None:
    await eventually(condition, within_s, every_s=0.005)
