"""How many live-room sockets one client address may hold open at once (`ROOM_SOCKETS_PER_ADDRESS`).

An ASGI layer around the viewer socket: it takes a lease before the room sees the handshake and
gives it back when the socket ends, so the room code knows nothing of it. Past the cap the
handshake is refused with 1008 (policy violation; a browser sees the connection fail and its
page retries with back-off)."""

from __future__ import annotations

from typing import Any

from litestar.types import ASGIApp, Receive, Send

from server.kernel.client_address import client_address
from server.kernel.rate_limit import rate_limits_of

ROOM_SOCKETS = "/ws/sessions/"
CLOSE_POLICY = 1008
REASON = "too many live-room connections from your address"
REFUSED = {"type": "websocket.close", "code": CLOSE_POLICY, "reason": REASON}


def room_socket_cap(app: Any, inner: ASGIApp) -> ASGIApp:
    async def capped(scope: Any, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket" or not scope["path"].startswith(ROOM_SOCKETS):
            await inner(scope, receive, send)
            return
        limits, address = rate_limits_of(app), client_address(scope)
        lease = await limits.open_socket(address)
        if lease is None:
            await receive()  # the websocket.connect message
            await send(REFUSED)  # type: ignore[arg-type]
            return
        try:
            await inner(scope, receive, send)
        finally:
            await limits.close_socket(address, lease)

    return capped
