"""Live room test helpers: the app served in-process by uvicorn (real websockets), a live
session with a line-up, and a small websocket client that collects events."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import sys
import warnings
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn
import websockets
from litestar import Litestar

from server.websocket_options import WEBSOCKET_OPTIONS
from tests.factories import add_to_lineup, go_live, make_brand, make_session, make_sku, make_token
from tests.live_server import LiveServer, free_port, run_server
from tests.waiting import eventually


@contextlib.asynccontextmanager
async def serving(app: Litestar) -> AsyncIterator[str]:
    """Serve `app` on a free port in this event loop; yields `127.0.0.1:PORT`."""
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", lifespan="on", proxy_headers=False, **WEBSOCKET_OPTIONS
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())

    def started() -> bool:
        if task.done():
            task.result()  # it stopped: say why
        return bool(server.started)

    await eventually(started, 30, "the uvicorn server started", 0.01)
    try:
        yield f"127.0.0.1:{port}"
    finally:
        server.should_exit = True
        # A bound, not a wait: shutdown drains the click stream (up to 10 s while another holder may
        # write) and the outbox, which on a loaded 2-core box took more than 15 s in a full run.
        try:
            await asyncio.wait_for(asyncio.shield(task), 45)
        except TimeoutError:
            # As `zhixiang serve` does (its workers are killed after the graceful period), the test
            # goes on; the tasks still running are printed so the hung shutdown step can be found.
            _report_hung_shutdown(task)


def _report_hung_shutdown(server_task: asyncio.Task[None]) -> None:
    print("served app: shutdown still running after 45 s; its tasks:", file=sys.stderr)
    for running in asyncio.all_tasks():
        running.print_stack(limit=8, file=sys.stderr)
    server_task.cancel()
    warnings.warn("the served app did not stop within 45 s (tasks printed on stderr)", stacklevel=2)


@dataclass
class LiveSetup:
    host: str
    admin: str
    brand_token: str
    brand_id: str
    session_id: str
    sku_ids: list[str]

    @property
    def http(self) -> str:
        return f"http://{self.host}"

    def ws(self, path: str = "", **params: Any) -> str:
        query = "&".join(f"{k}={v}" for k, v in params.items())
        return f"ws://{self.host}/ws/sessions/{self.session_id}{path}" + (f"?{query}" if query else "")


async def live_session(
    app: Litestar, base_url: str, *, live: bool = True, skus: int = 2, brand_settings: dict[str, Any] | None = None
) -> LiveSetup:
    admin = await make_token(app, "admin")
    async with httpx.AsyncClient(base_url=base_url) as client:
        fields = {"settings": brand_settings} if brand_settings else {}
        brand = await make_brand(client, admin, **fields)
        token = await make_token(app, "brand", brand_id=brand["id"])
        sku_ids = [(await make_sku(client, token, brand["id"]))["id"] for _ in range(skus)]
        session = await make_session(client, token, brand["id"])
        for position, sku_id in enumerate(sku_ids):
            await add_to_lineup(client, token, session["id"], sku_id, position=position)
        if live:
            await go_live(client, token, session["id"])
    host = base_url.removeprefix("http://")
    return LiveSetup(host, admin, token, brand["id"], session["id"], sku_ids)


@dataclass
class Viewer:
    """A websocket that keeps every event it receives (in order) in `events`."""

    socket: Any
    events: list[dict[str, Any]] = field(default_factory=list)
    raw: list[str] = field(default_factory=list)  # the frames as received, for byte-level checks
    closed: tuple[int | None, str] | None = None
    _task: asyncio.Task[None] | None = None

    async def _read(self) -> None:
        try:
            async for frame in self.socket:
                self.raw.append(frame)
                self.events.append(json.loads(frame))
        except websockets.ConnectionClosed:
            pass
        finally:
            self.closed = (self.socket.close_code, self.socket.close_reason or "")

    async def send(self, message: Any) -> None:
        await self.socket.send(message if isinstance(message, str | bytes) else json.dumps(message))

    async def wait_for(self, predicate: Any, within_s: float = 5.0) -> dict[str, Any]:

        def matching() -> dict[str, Any] | None:
            found = next((event for event in self.events if predicate(event)), None)
            # what arrived before the close still counts; after it, nothing more can
            assert found is not None or self.closed is None, f"socket closed ({self.closed}); got {self.events[-10:]}"
            return found

        return await eventually(matching, within_s, f"a matching event (got {self.events[-10:]})", 0.01)

    async def wait_closed(self, within_s: float = 5.0) -> tuple[int | None, str]:
        if self._task is not None:
            await asyncio.wait_for(asyncio.shield(self._task), within_s)
        assert self.closed is not None
        return self.closed

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e.get("type") == kind]

    async def close(self) -> None:
        await self.socket.close()
        if self._task is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._task, 5)


@contextlib.asynccontextmanager
async def viewer(url: str, **connect: Any) -> AsyncIterator[Viewer]:
    socket = await websockets.connect(url, max_size=2**20, **connect)
    watcher = Viewer(socket)
    watcher._task = asyncio.create_task(watcher._read())
    try:
        yield watcher
    finally:
        await watcher.close()


@contextlib.contextmanager
def two_workers(env: dict[str, str], tmp_dir: Path) -> Iterator[tuple[LiveServer, LiveServer]]:
    """Two single-worker app processes sharing PostgreSQL and Redis: for the room the same as
    `serve --workers 2`, but each socket goes to the worker the test picks. (Behind one listening
    socket the kernel hands each connection to whichever worker is awake, which on a busy
    machine can be the same one every time.)"""
    with run_server(env, workers=1, tmp_dir=tmp_dir) as a, run_server(env, workers=1, tmp_dir=tmp_dir) as b:
        yield a, b


async def viewers_on(live: LiveSetup, server: LiveServer, count: int, stack: contextlib.AsyncExitStack) -> list[Viewer]:
    """`count` sockets to `server`'s worker, each past its snapshot."""
    on_server = dataclasses.replace(live, host=server.base_url.removeprefix("http://"))
    viewers = [await stack.enter_async_context(viewer(on_server.ws())) for _ in range(count)]
    for v in viewers:
        await v.wait_for(lambda e: e["type"] == "snapshot")
    return viewers


def seqs(events: list[dict[str, Any]]) -> list[int]:
    return [e["seq"] for e in events if "seq" in e and e.get("type") != "snapshot"]
