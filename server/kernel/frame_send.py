"""Websocket frames straight to the server, past every layer's send wrapper.

Every layer of the app wraps `send` (the framework's before-send hooks, the request-id and error
middlewares, the security headers), and each frame of a live room passes through all of them:
at 5,000 viewers and 4 like totals a second that was about 40 % of a worker's CPU, spent on
checks that only matter for the handshake (headers, whether a response started). The app stores
the server's own `send` in the scope of each websocket (`ZhixiangApp.__call__`); a room sends its
frames with it once the socket is accepted, and the handshake and the close still go through the
layers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

SCOPE_KEY = "zx.server_send"

Send = Callable[[dict[str, Any]], Awaitable[None]]


def frame_sender(socket: Any) -> Send:
    """The server's own `send` for this socket's frames, or the socket's (a test fake, or an app
    that did not store it)."""
    scope = getattr(socket, "scope", None)
    found: Send | None = scope.get(SCOPE_KEY) if isinstance(scope, dict) else None
    fallback: Send = socket.send
    return found if found is not None else fallback
