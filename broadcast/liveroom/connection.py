"""One websocket in a room: who it is (visitor, link code, viewer or console), its send queue
and the task that drains it. Sending never blocks the room: a slow socket only fills its own
queue, and a socket that cannot take a frame within SEND_TIMEOUT_S is dropped."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from typing import Any

from broadcast.liveroom.sendqueue import SendQueue

SEND_TIMEOUT_S = 10.0
CLOSE_TOO_SLOW = 4408


@dataclass(eq=False)
class Connection:
    socket: Any  # litestar WebSocket (or a fake with `send(message)`)
    visitor_id: str
    ref: str | None = None
    console: bool = False
    queue: SendQueue = field(default_factory=SendQueue)
    closed: asyncio.Event = field(default_factory=asyncio.Event)
    last_sent_seq: int = 0

    def deliver(self, seq: int, key: str | None, data: str) -> None:
        self.queue.put(seq, key, data)

    def answer(self, data: str) -> None:
        self.queue.put_direct(data)

    async def _send(self, data: str) -> None:
        await asyncio.wait_for(self.socket.send({"type": "websocket.send", "text": data}), SEND_TIMEOUT_S)

    async def send_now(self, frames: list[str]) -> None:
        with contextlib.suppress(Exception):
            for data in frames:
                await self._send(data)

    async def pump(self, first: list[str]) -> None:
        """Send the join frames, then everything the room queues, until closed or too slow."""
        for data in first:
            await self._send(data)
        while not self.closed.is_set():
            batch = await self.queue.get()
            if self.queue.overflowed:
                await self.close(CLOSE_TOO_SLOW, "too slow: reconnect with last_seq to resume")
                return
            for data in batch:
                await self._send(data)

    async def close(self, code: int, reason: str) -> None:
        if self.closed.is_set():
            return
        self.closed.set()
        with contextlib.suppress(Exception):  # the peer may already be gone
            await asyncio.wait_for(self.socket.close(code=code, reason=reason), 2)
