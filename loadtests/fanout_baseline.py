"""The fan-out baseline: a bare `websockets` server doing the same job as the live room's like
path in one process — count likes, broadcast the total at most 4 times a second with a seq and a
publish timestamp — and nothing else (no auth, no database, no Redis).

    python -m loadtests.fanout_baseline --port 8765"""

from __future__ import annotations

import argparse
import asyncio
import json
import time

import websockets

TICK_S = 0.25


class Room:
    def __init__(self) -> None:
        self.clients: set[websockets.ServerConnection] = set()
        self.likes = 0
        self.published = 0
        self.seq = 0

    async def handler(self, socket: websockets.ServerConnection) -> None:
        self.clients.add(socket)
        try:
            async for frame in socket:
                with_count = json.loads(frame)
                if with_count.get("type") == "like":
                    self.likes += int(with_count.get("count", 1))
        except websockets.ConnectionClosed:
            pass
        finally:
            self.clients.discard(socket)

    async def ticker(self) -> None:
        while True:
            await asyncio.sleep(TICK_S)
            if self.likes != self.published:
                self.published, self.seq = self.likes, self.seq + 1
                event = json.dumps(
                    {"type": "likes", "total": self.likes, "seq": self.seq, "ts": int(time.time() * 1000)}
                )
                websockets.broadcast(self.clients, event)


async def main(port: int) -> None:
    room = Room()
    async with websockets.serve(room.handler, "127.0.0.1", port, max_size=4096, ping_interval=None, backlog=4096):
        await room.ticker()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    from loadtests.processes import raise_fd_limit

    raise_fd_limit()
    asyncio.run(main(parser.parse_args().port))
