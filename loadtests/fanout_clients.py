"""Client processes for the fan-out benchmark: many viewer sockets per process (asyncio), and a
liker process driving the like storm. They report through multiprocessing queues."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from array import array
from typing import Any

import websockets

from loadtests.processes import raise_fd_limit

CONNECT_CONCURRENCY = 100


class Tally:
    def __init__(self) -> None:
        self.recording = False
        self.messages = 0
        self.latency_ms = array("d")  # publish (server ts) -> receipt
        self.totals = array("q")  # like total received ...
        self.received_at = array("d")  # ... and when
        self.connected = 0
        self.failed = 0
        self.closed_early = 0


async def _viewer(url: str, tally: Tally, gate: asyncio.Semaphore, stop: asyncio.Event) -> None:
    try:
        async with gate:
            socket = await websockets.connect(url, max_size=2**20, open_timeout=120, ping_interval=None)
    except Exception:
        tally.failed += 1
        return
    tally.connected += 1
    try:
        async for frame in socket:
            if not tally.recording:
                continue
            now = time.time()
            tally.messages += 1
            if '"likes"' in frame:
                event = json.loads(frame)
                tally.latency_ms.append(now * 1000 - event["ts"])
                tally.totals.append(event["total"])
                tally.received_at.append(now)
    except websockets.ConnectionClosed:
        if not stop.is_set():
            tally.closed_early += 1
    finally:
        with contextlib.suppress(Exception):
            await socket.close()


async def _viewers_main(url: str, count: int, control: Any, report: Any) -> None:
    tally, stop = Tally(), asyncio.Event()
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)
    tasks = [asyncio.create_task(_viewer(url, tally, gate, stop)) for _ in range(count)]
    while tally.connected + tally.failed < count:  # noqa: ASYNC110 - counters, not an event
        await asyncio.sleep(0.1)
    report.put(("ready", tally.connected, tally.failed))
    await asyncio.get_running_loop().run_in_executor(None, control.get)  # "go"
    tally.recording = True
    await asyncio.get_running_loop().run_in_executor(None, control.get)  # "stop"
    tally.recording = False
    stop.set()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    report.put(
        (
            "done",
            tally.messages,
            tally.latency_ms.tobytes(),
            tally.totals.tobytes(),
            tally.received_at.tobytes(),
            tally.closed_early,
        )
    )


def viewers_process(url: str, count: int, control: Any, report: Any) -> None:
    raise_fd_limit()
    asyncio.run(_viewers_main(url, count, control, report))


async def _drain(socket: Any) -> None:
    with contextlib.suppress(Exception):
        async for _ in socket:
            pass


async def _liker(socket: Any, interval_s: float, until: float, sent: list[float]) -> None:
    loop = asyncio.get_running_loop()
    next_at = loop.time()
    while loop.time() < until:
        try:
            await socket.send('{"type":"like","count":1}')
        except websockets.ConnectionClosed:
            return  # the server dropped this liker (overload): the others carry on
        sent.append(time.time())  # the like number len(sent) left now
        next_at += interval_s
        await asyncio.sleep(max(0.0, next_at - loop.time()))


async def _likers_main(
    url: str, connections: int, rate_per_s: float, duration_s: float, control: Any, report: Any
) -> None:
    sockets = [
        await websockets.connect(url, max_size=2**20, ping_interval=None, open_timeout=120) for _ in range(connections)
    ]
    drains = [asyncio.create_task(_drain(s)) for s in sockets]
    report.put(("ready", connections, 0))
    await asyncio.get_running_loop().run_in_executor(None, control.get)
    loop, sent = asyncio.get_running_loop(), []
    until = loop.time() + duration_s
    interval = connections / rate_per_s
    await asyncio.gather(*[_liker(s, interval, until, sent) for s in sockets])
    report.put(("done", array("d", sent).tobytes()))
    await asyncio.sleep(1.5)  # let the last coalesced totals go out before the likers leave
    for task in drains:
        task.cancel()
    for socket in sockets:
        with contextlib.suppress(Exception):
            await socket.close()


def likers_process(url: str, connections: int, rate_per_s: float, duration_s: float, control: Any, report: Any) -> None:
    raise_fd_limit()
    asyncio.run(_likers_main(url, connections, rate_per_s, duration_s, control, report))
