"""Client processes for the fan-out benchmark: many viewer sockets per process and a liker process
driving the like storm, on `picows` (frames parsed in C, one small Python callback per frame) and
uvloop, so the client is not what the benchmark measures. Each process reports the CPU it used
during the storm as a share of wall time: a process near 100% of a core was the bottleneck and
the run says so. They report through multiprocessing queues."""

from __future__ import annotations

import asyncio
import json
import resource
import time
from array import array
from typing import Any

import uvloop
from picows import WSFrame, WSListener, WSMsgType, WSTransport, ws_connect

from loadtests.processes import raise_fd_limit

CONNECT_CONCURRENCY = 100
HANDSHAKE_TIMEOUT_S = 120.0
LIKE = b'{"type":"like","count":1}'


class Tally:
    def __init__(self) -> None:
        self.recording = False
        self.stopping = False
        self.messages = 0
        self.latency_ms = array("d")  # publish (server ts) -> receipt
        self.totals = array("q")  # like total received ...
        self.received_at = array("d")  # ... and when
        self.pinned_at = array("d")  # when a "pin" event arrived (the rush benchmark pins a SKU)
        self.connected = 0
        self.failed = 0
        self.closed_early = 0
        self.snapshots = 0


class CpuMeter:
    """This process's CPU seconds over a window, as a share of the window's wall time."""

    def __init__(self) -> None:
        self.cpu0, self.wall0 = self._cpu(), time.monotonic()

    @staticmethod
    def _cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    def percent(self) -> float:
        return round(100 * (self._cpu() - self.cpu0) / max(1e-9, time.monotonic() - self.wall0), 1)


class Viewer(WSListener):  # type: ignore[misc]
    def __init__(self, tally: Tally) -> None:
        self.tally = tally

    def on_ws_frame(self, transport: WSTransport, frame: WSFrame) -> None:
        tally = self.tally
        if frame.msg_type is not WSMsgType.TEXT or not tally.recording:
            return
        now = time.time()
        tally.messages += 1
        payload = frame.get_payload_as_bytes()
        if b'"likes"' in payload or b'"pin"' in payload or b'"snapshot"' in payload:  # skip parsing the rest
            self._record(json.loads(payload), now)

    def _record(self, event: dict[str, Any], now: float) -> None:
        tally, kind = self.tally, event.get("type")
        if kind == "likes":
            tally.latency_ms.append(now * 1000 - event["ts"])
            tally.totals.append(event["total"])
            tally.received_at.append(now)
        elif kind == "pin":
            tally.pinned_at.append(now)
        elif kind == "snapshot":
            tally.snapshots += 1  # the room started again (e.g. it lost events) and re-sent its state

    def on_ws_disconnected(self, transport: WSTransport) -> None:
        if not self.tally.stopping:
            self.tally.closed_early += 1


async def _connect(url: str, listener: Any, gate: asyncio.Semaphore) -> WSTransport:
    async with gate:
        transport, _ = await ws_connect(listener, url, websocket_handshake_timeout=HANDSHAKE_TIMEOUT_S)
    return transport


async def _viewer(url: str, tally: Tally, gate: asyncio.Semaphore) -> WSTransport | None:
    try:
        transport = await _connect(url, lambda: Viewer(tally), gate)
    except Exception:
        tally.failed += 1
        return None
    tally.connected += 1
    return transport


async def _control(control: Any) -> str:
    return str(await asyncio.get_running_loop().run_in_executor(None, control.get))


async def _viewers_main(url: str, count: int, control: Any, report: Any) -> None:
    tally, gate = Tally(), asyncio.Semaphore(CONNECT_CONCURRENCY)
    transports = await asyncio.gather(*[_viewer(url, tally, gate) for _ in range(count)])
    report.put(("ready", tally.connected, tally.failed))
    await _control(control)  # "go"
    tally.recording, meter = True, CpuMeter()
    await _control(control)  # "stop"
    tally.recording, tally.stopping, cpu = False, True, meter.percent()
    for transport in transports:
        if transport is not None:
            transport.disconnect()
    report.put(
        (
            "done",
            tally.messages,
            tally.latency_ms.tobytes(),
            tally.totals.tobytes(),
            tally.received_at.tobytes(),
            tally.closed_early,
            cpu,
            tally.pinned_at.tobytes(),
            tally.snapshots,
        )
    )


def viewers_process(url: str, count: int, control: Any, report: Any) -> None:
    raise_fd_limit()
    uvloop.run(_viewers_main(url, count, control, report))


async def _liker(transport: WSTransport, interval_s: float, until: float, sent: array[float]) -> None:
    loop = asyncio.get_running_loop()
    next_at = loop.time()
    while loop.time() < until:
        if transport.is_disconnected:
            return  # the server dropped this liker (overload): the others carry on
        transport.send(WSMsgType.TEXT, LIKE)
        sent.append(time.time())  # the like number len(sent) left now
        next_at += interval_s
        await asyncio.sleep(max(0.0, next_at - loop.time()))


async def _likers_main(
    url: str, connections: int, rate_per_s: float, duration_s: float, control: Any, report: Any
) -> None:
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)
    transports = await asyncio.gather(*[_connect(url, WSListener, gate) for _ in range(connections)])
    report.put(("ready", connections, 0))
    await _control(control)
    loop, sent, meter = asyncio.get_running_loop(), array("d"), CpuMeter()
    until = loop.time() + duration_s
    interval = connections / rate_per_s
    await asyncio.gather(*[_liker(t, interval, until, sent) for t in transports])
    report.put(("done", sent.tobytes(), meter.percent()))
    await asyncio.sleep(1.5)  # let the last coalesced totals go out before the likers leave
    for transport in transports:
        transport.disconnect()


def likers_process(url: str, connections: int, rate_per_s: float, duration_s: float, control: Any, report: Any) -> None:
    raise_fd_limit()
    uvloop.run(_likers_main(url, connections, rate_per_s, duration_s, control, report))
