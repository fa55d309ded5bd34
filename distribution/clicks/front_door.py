"""The tracked redirect, answered in front of the framework.

`GET /l/{code}` carries every partner's every share, at the moment a live stream asks its viewers
to tap. Through Litestar it would pay for routing, the exception middleware, the request-id and
metrics middleware, the role guard (which copies the handler per request) and a Response object:
more than the redirect itself. So this door answers the ordinary case — a known code, a 302 with
its cookies, the click buffered — straight in ASGI, and hands everything else (unknown codes'
friendly page, a database outage's 503 page, HEAD, every other path) to the app unchanged.

Left out on purpose for the 302: the access-log line and `X-Request-ID` (each click is its own
row in `clicks`; a redirect writes no log line to correlate) and the HTTP metrics (which exclude
`/l/` anyway)."""

from __future__ import annotations

from typing import Any

from litestar.types import ASGIApp, Receive, Send

from distribution.clicks.redirect import redirect_headers

PREFIX = "/l/"
EMPTY = (b"content-length", b"0")
BODY = {"type": "http.response.body", "body": b"", "more_body": False}


def redirect_front_door(app: Any, inner: ASGIApp) -> ASGIApp:
    state = app.state

    async def front_door(scope: Any, receive: Receive, send: Send) -> None:  # an http or websocket scope
        if scope["type"] == "http" and scope["path"].startswith(PREFIX) and scope["method"] == "GET":
            try:
                headers = await redirect_headers(state, scope, scope["path"][len(PREFIX) :])
            except Exception:  # the route behind answers with the 503 page and logs it
                headers = None
            if headers is not None:
                headers.append(EMPTY)
                await send({"type": "http.response.start", "status": 302, "headers": headers})
                await send(BODY)  # type: ignore[arg-type]
                return
        await inner(scope, receive, send)

    return front_door
