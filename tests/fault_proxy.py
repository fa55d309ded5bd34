"""A TCP proxy a fault test can cut: it stands in front of a real server (PostgreSQL) on a free
port, forwards bytes both ways, and on `cut()` closes every connection and then either refuses
new ones (the listener is closed: connect() fails at once) or blackholes them (accepted, never
forwarded: the client hangs until its own timeout, which is what a dead network route looks like);
`freeze()` leaves open connections open but silent until `restore()`.

It runs its own event loop in a daemon thread, so a synchronous test can drive an app process
against it, and it counts concurrent upstream connections (what the real server sees)."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Coroutine, Iterator
from typing import Any, Literal

from sqlalchemy.engine import make_url

Mode = Literal["forward", "refuse", "blackhole"]
CHUNK = 65536


class FaultProxy:
    def __init__(self, upstream_host: str = "127.0.0.1", upstream_port: int = 5432) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.mode: Mode = "forward"
        self.port = 0
        self.upstream_now = 0
        self.upstream_max = 0
        self.blackholed = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="fault-proxy", daemon=True)
        self._server: asyncio.Server | None = None
        self._open: set[asyncio.StreamWriter] = set()
        self._flowing = asyncio.Event()

    # -- the test's side (any thread) --------------------------------------------------------

    def start(self) -> int:
        self._thread.start()
        self._call(self._listen())
        return self.port

    def cut(self, mode: Literal["refuse", "blackhole"]) -> None:
        """Every open connection is closed; new ones are refused or blackholed until `restore()`."""
        self._call(self._cut(mode))

    def freeze(self) -> None:
        """Open connections stay open and go silent (a dead route: TCP retransmits, nobody answers);
        new ones are blackholed. `restore()` delivers what was held back."""
        self._call(self._freeze())

    def restore(self) -> None:
        self._call(self._restore())

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._call(self._cut("refuse"))
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)

    @classmethod
    def in_front_of(cls, database_url: str) -> FaultProxy:
        """A proxy whose upstream is the server `database_url` names (the machine's or an embedded one)."""
        target = make_url(database_url)
        return cls(target.host or "127.0.0.1", target.port or 5432)

    def url(self, database_url: str) -> str:
        """`database_url` pointed at the proxy instead of the real server."""
        target = make_url(database_url).set(host="127.0.0.1", port=self.port)
        return target.render_as_string(hide_password=False)

    def _call(self, coroutine: Coroutine[Any, Any, None]) -> None:
        asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=10)

    # -- the proxy's loop --------------------------------------------------------------------

    async def _listen(self) -> None:
        self._flowing.set()
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port, reuse_address=True)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _cut(self, mode: Literal["refuse", "blackhole"]) -> None:
        self.mode = mode
        if mode == "refuse" and self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._open):
            writer.transport.abort()
        self._open.clear()

    async def _freeze(self) -> None:
        self.mode = "blackhole"
        self._flowing.clear()

    async def _restore(self) -> None:
        self.mode = "forward"
        self._flowing.set()
        if self._server is None:
            await self._listen()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.mode != "forward":
            await self._hold(reader, writer)
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            writer.transport.abort()
            return
        with self._counted(writer, up_writer):
            await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))

    async def _hold(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Blackhole: read and drop whatever the client sends, answer nothing, until it gives up."""
        self.blackholed += 1
        self._open.add(writer)
        with contextlib.suppress(OSError):
            while await reader.read(CHUNK):
                pass
        self._open.discard(writer)
        writer.transport.abort()

    @contextlib.contextmanager
    def _counted(self, client: asyncio.StreamWriter, upstream: asyncio.StreamWriter) -> Iterator[None]:
        self.upstream_now += 1
        self.upstream_max = max(self.upstream_max, self.upstream_now)
        self._open.update((client, upstream))
        try:
            yield
        finally:
            self.upstream_now -= 1
            for writer in (client, upstream):
                self._open.discard(writer)
                writer.transport.abort()

    async def _pipe(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError):
            while data := await source.read(CHUNK):
                await self._flowing.wait()  # frozen: held back, delivered once the route heals
                sink.write(data)
                await sink.drain()
        sink.transport.abort()  # one side is gone: so is the other (as a cut network would do)
