"""`/ws/funnel/{session_id}`: the funnel pushed as it changes (checked every second), to a
partner (its own rows) or the brand (every partner). Authenticated like the API: the `zx_token`
cookie, `?token=` or a bearer header; a refused socket is closed with 4401/4404."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

from litestar import WebSocket, websocket
from litestar.exceptions import WebSocketDisconnect

from distribution.funnel.snapshot import FunnelService
from server.kernel.principal import Principal, Role, authenticate
from server.kernel.problems import NotAuthenticated, Problem

PUSH_INTERVAL_S = 1.0


# Sockets watching the same session with the same scope share one computation per interval, so a
# brand page opened by a hundred people costs the database what one costs.
_recent: dict[tuple[str, str | None, str | None], tuple[float, str]] = {}


async def _snapshot_json(state: Any, principal: Principal, session_id: str) -> str:
    key = (
        session_id,
        principal.brand_id if principal.role is not Role.PARTNER else None,
        principal.partner_id if principal.role is Role.PARTNER else None,
    )
    now = time.monotonic()
    hit = _recent.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    async with state.sessionmaker() as session:
        current = (await FunnelService(session, state).snapshot(principal, session_id)).model_dump_json()
    if len(_recent) > 10_000:
        _recent.clear()
    _recent[key] = (now + PUSH_INTERVAL_S * 0.9, current)
    return current


async def _watch_close(socket: WebSocket[Any, Any, Any]) -> None:
    with contextlib.suppress(WebSocketDisconnect, RuntimeError):
        while True:
            await socket.receive_data(mode="text")


@websocket("/ws/funnel/{session_id:str}")
async def funnel_socket(socket: WebSocket[Any, Any, Any], session_id: str) -> None:
    try:
        principal = await authenticate(socket)
        first = await _snapshot_json(socket.app.state, principal, session_id)
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
            current = first if not last else await _snapshot_json(socket.app.state, principal, session_id)
            if current != last:
                await socket.send_text(current)
                last = current
            await asyncio.wait([closed], timeout=PUSH_INTERVAL_S)
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        closed.cancel()
