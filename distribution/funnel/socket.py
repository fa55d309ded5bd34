"""`/ws/funnel/{session_id}`: the funnel pushed as it changes (checked every second), to a
partner (its own rows) or the brand (every partner). Authenticated like the API: the `zx_token`
cookie, `?token=` or a bearer header; a refused socket is closed with 4401/4404."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from litestar import WebSocket, websocket
from litestar.exceptions import WebSocketDisconnect

from distribution.funnel.snapshot import FunnelService
from server.auth.guard import authenticate
from server.kernel.principal import Principal
from server.kernel.problems import NotAuthenticated, Problem

PUSH_INTERVAL_S = 1.0


async def _snapshot_json(state: Any, principal: Principal, session_id: str) -> str:
    async with state.sessionmaker() as session:
        return (await FunnelService(session, state).snapshot(principal, session_id)).model_dump_json()


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
