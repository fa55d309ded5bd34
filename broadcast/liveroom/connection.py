"""One websocket in a room: who it is (visitor, link code, viewer or console), its send queue
and the task that drains it. Sending never blocks the room: a slow socket only fills its own
queue, and a socket that cannot take a frame within SEND_TIMEOUT_S is dropped."""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from typing import Any

from broadcast.liveroom.sendqueue import SendQueue
from server.kernel.frame_send import Send, frame_sender

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
    sending_since: float | None = None
    pump_task: asyncio.Task[None] | None = None
    send_frame: Send | None = None  # the server's own send (frame_send.py); set on first use

    def deliver(self, seq: int, key: str | None, data: str) -> None:
        self.queue.put(seq, key, data)

    def answer(self, data: str) -> None:
        self.queue.put_direct(data)

    async def _send_all(self, frames: list[str]) -> None:
        # No timer per send (that costs more than the send): the room's tick closes a connection
        # whose send has been stuck for SEND_TIMEOUT_S (see `is_stuck`).
        self.sending_since = time.monotonic()
        send = self.send_frame = self.send_frame or frame_sender(self.socket)
        for data in frames:
            await send({"type": "websocket.send", "text": data})
        self.sending_since = None

    def abandon(self) -> None:
        """Stop sending to a peer that stopped reading; its handler then ends and the socket closes."""
        self.closed.set()
        if self.pump_task is not None:
            self.pump_task.cancel()

    def is_stuck(self, now: float) -> bool:
        return self.sending_since is not None and now - self.sending_since > SEND_TIMEOUT_S

    async def send_now(self, frames: list[str]) -> None:
        with contextlib.suppress(Exception):
            await self._send_all(frames)

    async def pump(self, first: list[str]) -> None:
        """Send the join frames, then everything the room queues, until closed or too slow."""
        await self._send_all(first)
        while not self.closed.is_set():
            batch = await self.queue.get()
            if self.queue.overflowed:
                await self.close(CLOSE_TOO_SLOW, "too slow: reconnect with last_seq to resume")
                return
            await self._send_all(batch)

    async def close(self, code: int, reason: str) -> None:
        if self.closed.is_set():
            return
        self.closed.set()
        with contextlib.suppress(Exception):  # the peer may already be gone
            await asyncio.wait_for(self.socket.close(code=code, reason=reason), 2)
