"""Live room logic on fakes: send queue backpressure, coalescing gates, seq, resume, flood guard."""

from __future__ import annotations

import json

import pytest

from broadcast.liveroom.connection import Connection
from broadcast.liveroom.events import body_prefix, coalesce_key, finish
from broadcast.liveroom.flood import FloodGuard
from broadcast.liveroom.messages import Cart, Like, Rejected, parse
from broadcast.liveroom.room import Room
from broadcast.liveroom.sendqueue import SendQueue
from broadcast.liveroom.state import RoomState
from broadcast.liveroom.store import IDLE, PUBLISHED, WAITING
from broadcast.liveroom.store_memory import MemoryRoomStore
from tests.waiting import eventually


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class FakeChannels:
    def __init__(self) -> None:
        self.published: list[tuple[str, str]] = []

    async def wait_published(self, data: str, channel: str) -> None:
        self.published.append((channel, data))


def event(seq: int, **body: object) -> str:
    return finish(body_prefix(body), seq, 0)


def test_send_queue_keeps_only_the_newest_counter_and_orders_by_seq():
    queue = SendQueue()
    queue.put(1, "likes", event(1, type="likes", total=1))
    queue.put(2, None, event(2, type="pin", sku_id="a"))
    queue.put(3, "likes", event(3, type="likes", total=9))
    sent = [json.loads(x) for x in queue.take()]
    assert [e["seq"] for e in sent] == [2, 3]
    assert sent[1]["total"] == 9 and queue.dropped == 1


def test_send_queue_overflow_marks_the_connection_too_slow():
    queue = SendQueue(max_queued=3)
    for seq in range(1, 5):
        queue.put(seq, None, event(seq, type="comment"))
    assert queue.overflowed and len(queue) == 0


def test_send_queue_floor_skips_events_already_in_the_snapshot():
    queue = SendQueue()
    queue.floor = 5
    queue.put(5, None, "old")
    queue.put(6, None, "new")
    assert queue.take() == ["new"]


def test_counters_never_go_backwards_in_room_state():
    state = RoomState(session={"state": "live"})
    state.apply({"type": "likes", "total": 10, "seq": 1})
    state.apply({"type": "likes", "total": 7, "seq": 2})
    state.apply({"type": "carts", "counts": {"s": 3}, "seq": 3})
    state.apply({"type": "carts", "counts": {"s": 2}, "seq": 4})
    assert (state.likes, state.carts, state.seq) == (10, {"s": 3}, 4)


def test_coalesce_keys():
    assert coalesce_key({"type": "likes"}) == "likes"
    assert coalesce_key({"type": "stock", "sku_id": "x"}) == "stock:x"
    assert coalesce_key({"type": "comment"}) is None


async def test_memory_store_gives_gap_free_seq_and_gates_likes_to_4_per_second():
    clock, channels = FakeClock(), FakeChannels()
    store = MemoryRoomStore(channels, "ns", clock=clock)  # type: ignore[arg-type]
    assert await store.like("s1", {"A": 5}) == PUBLISHED
    assert await store.like("s1", {"": 5}) == WAITING  # gate closed: counted, not yet broadcast
    assert await store.flush("s1") == (WAITING, IDLE)
    clock.now += 0.25
    assert await store.flush("s1") == (PUBLISHED, IDLE)
    assert await store.flush("s1") == (IDLE, IDLE)
    events = [json.loads(data) for _, data in channels.published]
    assert [e["seq"] for e in events] == [1, 2] and [e["total"] for e in events] == [5, 10]
    assert (await store.ref_counts("s1"))["A"]["likes"] == 5


async def test_memory_store_likes_storm_publishes_at_most_4_a_second():
    clock, channels = FakeClock(), FakeChannels()
    store = MemoryRoomStore(channels, "ns", clock=clock)  # type: ignore[arg-type]
    for _ in range(2000):  # 2,000 likes over one simulated second, flushing as the room's ticker does
        clock.now += 0.0005
        await store.like("s1", {"": 1})
        await store.flush("s1")
    assert len(channels.published) <= 5
    clock.now += 1
    await store.flush("s1")
    assert json.loads(channels.published[-1][1])["total"] == 2000


class FakeSocket:
    def __init__(self) -> None:
        self.sent: list[str] = []

    async def send(self, message: dict) -> None:
        self.sent.append(message["text"])


def seeded_room(seq: int, ring: list[int]) -> Room:
    room = Room("s1", store=None, worker_id="w")  # type: ignore[arg-type]
    room.seed(
        RoomState(session={"state": "live"}),
        [event(s, type="comment", id=str(s), author="a", text="t", at="") for s in ring],
        seq,
    )
    return room


def test_attach_resumes_from_the_ring_or_falls_back_to_a_snapshot():
    room = seeded_room(10, ring=[8, 9, 10])
    resumed = room.attach(Connection(FakeSocket(), "v1"), last_seq=8)
    assert json.loads(resumed[0])["type"] == "resumed"
    assert [json.loads(x)["seq"] for x in resumed[1:]] == [9, 10]
    too_old = room.attach(Connection(FakeSocket(), "v2"), last_seq=3)
    assert [json.loads(x)["type"] for x in too_old] == ["snapshot"]
    ahead = room.attach(Connection(FakeSocket(), "v3"), last_seq=11)
    assert json.loads(ahead[0])["type"] == "snapshot"


def test_a_joiner_gets_only_events_after_its_snapshot():
    room = seeded_room(10, ring=[10])
    connection = Connection(FakeSocket(), "v1")
    first = room.attach(connection, None)
    assert json.loads(first[0])["seq"] == 10
    room.accept({"type": "likes", "total": 3, "seq": 11}, event(11, type="likes", total=3))
    assert [json.loads(x)["seq"] for x in connection.queue.take()] == [11]


async def test_a_slow_connection_does_not_hold_up_others():
    room = seeded_room(0, ring=[])
    slow, fast = Connection(FakeSocket(), "slow"), Connection(FakeSocket(), "fast")
    slow.queue.max_queued = 5
    room.attach(slow, None)
    room.attach(fast, None)
    for seq in range(1, 20):
        room.accept(
            {"type": "comment", "id": str(seq), "author": "a", "text": "t", "at": "", "seq": seq},
            event(seq, type="comment"),
        )
    assert slow.queue.overflowed
    assert len(fast.queue.take()) == 19


def test_flood_guard_refuses_then_asks_to_close():
    clock = FakeClock()
    guard = FloodGuard(rate_per_s=10, burst=5, strikes_to_close=3, clock=clock)
    assert all(guard.admit() for _ in range(5))
    assert not guard.admit() and not guard.should_close
    guard.admit(), guard.admit()
    assert guard.should_close
    clock.now += 1
    assert guard.admit()


@pytest.mark.parametrize(
    ("frame", "expected"),
    [
        ('{"type":"like","count":50}', Like(50)),
        ('{"type":"like","count":true}', Rejected),
        ('{"type":"cart","sku_id":"sku_1"}', Cart("sku_1")),
        ("null", Rejected),
        ("x" * 5000, Rejected),
    ],
)
def test_parse(frame, expected):
    parsed = parse(frame)
    assert parsed == expected if not isinstance(expected, type) else isinstance(parsed, expected)


class StuckSocket:
    async def send(self, message: dict) -> None:
        import asyncio

        await asyncio.Event().wait()  # a peer that never reads


async def test_a_stuck_peer_is_abandoned_by_the_room_tick(monkeypatch):
    import asyncio

    from broadcast.liveroom import connection as connection_module

    monkeypatch.setattr(connection_module, "SEND_TIMEOUT_S", 0.05)
    room = seeded_room(0, ring=[])
    stuck, fine = Connection(StuckSocket(), "stuck"), Connection(FakeSocket(), "fine")
    for c in (stuck, fine):
        room.attach(c, None)
        c.pump_task = asyncio.create_task(c.pump(["hello"]))

    def dropped() -> bool:  # once its send has been stuck past the timeout, the tick drops it
        room._drop_stuck()
        return stuck not in room.connections

    await eventually(dropped, 5, "the stuck connection dropped", 0.01)
    await asyncio.sleep(0)
    assert stuck not in room.connections and stuck.pump_task.cancelled()
    assert fine in room.connections and fine.socket.sent == ["hello"]
    fine.pump_task.cancel()


async def test_a_restarted_sequence_is_followed_not_ignored():
    room = seeded_room(600, ring=list(range(100, 601)))
    connection = Connection(FakeSocket(), "v")
    room.attach(connection, None)
    await room.receive(event(600, type="comment", id="600", author="a", text="t", at=""))  # a duplicate
    assert connection.queue.take() == []
    await room.receive(event(1, type="likes", total=5))  # Redis lost its keys: seq starts again
    assert [json.loads(x)["seq"] for x in connection.queue.take()] == [1]
    assert room.last_seq == 1
