"""`/ws/funnel/{session_id}`: the funnel pushed as it changes, to a partner (its own rows) or the
brand (every partner). Authenticated like the API: the `zx_token` cookie, `?token=` or a bearer
header; a refused socket is closed with 4401/4404.

A socket does not recompute the funnel every tick: it looks at the session's change version
(`distribution.funnel.changes`, bumped after orders are paid or refunded and counted clicks are
flushed) once a tick, and recomputes when it moved — so changes are coalesced to one computation a
tick at most. The live room's own counts (viewers, likes, cart adds) come with no event: while the
session is live they are refreshed every `ROOM_REFRESH_S`; an ended session's funnel is computed
again only when the version moves (a refund)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

from litestar import WebSocket, websocket
from litestar.exceptions import WebSocketDisconnect

from distribution.funnel.changes import changes_of
from distribution.funnel.snapshot import ENDED, FunnelService
from server.kernel.principal import Principal, Role, authenticate
from server.kernel.problems import NotAuthenticated, Problem

PUSH_INTERVAL_S = 1.0  # how often a socket looks for a change: one version read, shared per worker
ROOM_REFRESH_S = 5.0  # a live room's viewers, likes and cart adds, which no event announces
MAX_KEPT = 10_000

Key = tuple[str, str | None, str | None]
# Sockets watching the same session with the same scope share one computation per version, so a
# brand page opened by a hundred people costs the database what one costs.
_computed: dict[Key, tuple[int | None, float, bool, str]] = {}  # version, made at, ended?, JSON
_versions: dict[str, tuple[float, int | None]] = {}  # session → (read at, version)


async def session_version(state: Any, session_id: str) -> int | None:
    """The session's change version, read at most once a tick per worker (None: out of reach)."""
    now = time.monotonic()
    hit = _versions.get(session_id)
    if hit is not None and now - hit[0] < PUSH_INTERVAL_S * 0.9:
        return hit[1]
    try:
        version: int | None = await changes_of(state).version(session_id)
    except Exception:
        version = None
    if len(_versions) > MAX_KEPT:
        _versions.clear()
    _versions[session_id] = (now, version)
    return version


def _key(principal: Principal, session_id: str) -> Key:
    partner = principal.role is Role.PARTNER
    return (session_id, None if partner else principal.brand_id, principal.partner_id if partner else None)


def _fresh(hit: tuple[int | None, float, bool, str] | None, version: int | None) -> bool:
    """A computed funnel is current while its version is, and (live, or version unknown) for a while."""
    if hit is None or hit[0] != version:
        return False
    return (hit[2] and version is not None) or time.monotonic() - hit[1] < ROOM_REFRESH_S


async def snapshot_json(state: Any, principal: Principal, session_id: str) -> str:
    key, version = _key(principal, session_id), await session_version(state, session_id)
    hit = _computed.get(key)
    if hit is not None and _fresh(hit, version):
        return hit[3]
    async with state.sessionmaker() as session:
        snapshot = await FunnelService(session, state).snapshot(principal, session_id)
    if len(_computed) > MAX_KEPT:
        _computed.clear()
    current = snapshot.model_dump_json()
    _computed[key] = (version, time.monotonic(), snapshot.session_state == ENDED, current)
    return current


async def _watch_close(socket: WebSocket[Any, Any, Any]) -> None:
    with contextlib.suppress(WebSocketDisconnect, RuntimeError):
        while True:
            await socket.receive_data(mode="text")


@websocket("/ws/funnel/{session_id:str}")
async def funnel_socket(socket: WebSocket[Any, Any, Any], session_id: str) -> None:
    try:
        principal = await authenticate(socket)
        first = await snapshot_json(socket.app.state, principal, session_id)
    except Problem as problem:
        # Accept, then close with a reason: a refusal before accept reaches the browser as a bare
        # 1006, and the page could not tell "sign in again" from "network trouble".
        await socket.accept()
        await socket.close(code=4401 if isinstance(problem, NotAuthenticated) else 4404, reason=problem.detail[:100])
        return
    await socket.accept()
    closed = asyncio.create_task(_watch_close(socket))
    last = ""
    try:
        while not closed.done():
            current = first if not last else await snapshot_json(socket.app.state, principal, session_id)
            if current != last:
                await socket.send_text(current)
                last = current
            await asyncio.wait([closed], timeout=PUSH_INTERVAL_S)
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        closed.cancel()
