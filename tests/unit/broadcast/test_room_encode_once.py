"""A room event is encoded once, where it is published, and every socket is handed that same
string: fanning out to 500 sockets costs no more JSON work than fanning out to one."""

from __future__ import annotations

import json
from typing import Any

import pytest

from broadcast.liveroom import events as events_module
from broadcast.liveroom.connection import Connection
from broadcast.liveroom.room import Room, Seed
from broadcast.liveroom.state import RoomState


class FakeSocket:
    async def send(self, message: dict[str, Any]) -> None:
        pass


class CountingJson:
    """Counts JSON encodes made anywhere (the room's `encode` and any direct `json.dumps`)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        real = json.dumps

        def counted(*args: Any, **kwargs: Any) -> str:
            self.calls += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(json, "dumps", counted)


def room_with(sockets: int) -> tuple[Room, list[Connection]]:
    room = Room("s1", store=None, worker_id="w")  # type: ignore[arg-type]
    room.seed(RoomState(session={"state": "live"}), [], 0)
    connections = [Connection(FakeSocket(), f"v{i}") for i in range(sockets)]
    for connection in connections:
        room.attach(connection, None)
    return room, connections


def published(seq: int, total: int) -> str:
    """The event as the store publishes it: encoded once, `seq` and `ts` appended."""
    return events_module.finish(events_module.body_prefix({"type": "likes", "total": total}), seq, 1_700_000_000_000)


@pytest.mark.parametrize("sockets", [1, 500])
async def test_an_event_is_encoded_once_whatever_the_socket_count(monkeypatch, sockets):
    room, connections = room_with(sockets)
    raw = published(1, 7)
    counter = CountingJson(monkeypatch)
    await room.receive(raw)
    assert counter.calls == 0  # the room re-encodes nothing: the published text goes out as is
    frames = [connection.queue.take() for connection in connections]
    assert all(frame == [raw] for frame in frames)
    assert all(frame[0] is raw for frame in frames)  # one object shared, not a copy per socket


@pytest.mark.parametrize("sockets", [1, 500])
def test_a_fresh_snapshot_after_an_outage_is_encoded_once_for_all_sockets(monkeypatch, sockets):
    room, connections = room_with(sockets)
    for connection in connections:
        connection.queue.take()  # nothing queued yet; keeps the test about the resend alone
    counter = CountingJson(monkeypatch)
    room.resend(Seed(RoomState(session={"state": "live"}), [], 5))
    assert counter.calls == 1
    frames = [connection.queue.take() for connection in connections]
    assert len({id(frame[0]) for frame in frames}) == 1
    assert json.loads(frames[0][0])["type"] == "snapshot"
