"""The brand's console socket `/ws/console/sessions/{session_id}`: the room's stream plus, once a
second when they change, per-SKU cart and order counts. Brand (own sessions) and admin only.

`?feed=NAME` adds a composed view the app registered under `app.state.console_feeds[NAME]` (an
async `(app, principal, session_id) -> dict`, e.g. the live dashboard's figures): sent as a
`{"type": NAME, ...}` frame every `FEED_EVERY_S` when it changed. The domain knows only the port.

The token is checked again every `TOKEN_RECHECK_S` (one indexed read): a token an admin
revoked closes its open consoles within that long, not whenever the browser tab is closed."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from litestar import WebSocket, websocket

from broadcast.liveroom import runtime
from broadcast.liveroom.connection import Connection
from broadcast.liveroom.events import encode
from broadcast.liveroom.viewer import CLOSE_NOT_FOUND, serve
from broadcast.models import LiveSession
from server.kernel.principal import Principal, Role, authenticate
from server.kernel.problems import NotAuthenticated, Problem

log = structlog.get_logger("liveroom.console")
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
SALES_EVERY_S = 1.0
FEED_EVERY_S = 2.0
FEEDS_STATE = "console_feeds"
Feed = Callable[[Any, Principal, str], Awaitable[dict[str, Any]]]
TOKEN_RECHECK_S = 2.0


async def _principal(socket: WebSocket[Any, Any, Any], session_id: str) -> tuple[Principal | None, int, str]:
    try:
        principal = await authenticate(socket)
    except NotAuthenticated as exc:
        return None, CLOSE_UNAUTHENTICATED, str(exc.detail)[:120]
    if principal.role not in (Role.BRAND, Role.ADMIN):
        return None, CLOSE_FORBIDDEN, "the console is for brand and admin tokens"
    async with socket.app.state.sessionmaker() as session:
        live = await session.get(LiveSession, session_id)
    try:
        if live is None:
            raise Problem("no such session")
        principal.ensure_brand(live.brand_id, "session", session_id)
    except Problem:
        return None, CLOSE_NOT_FOUND, "no such live session"
    return principal, 0, ""


@websocket("/ws/console/sessions/{session_id:str}")
async def console_socket(socket: WebSocket[Any, Any, Any], session_id: str) -> None:
    await socket.accept()
    principal, code, reason = await _principal(socket, session_id)
    connection = Connection(socket, f"console-{principal.token_id if principal else 'none'}", console=True)
    if principal is None:
        await connection.close(code, reason)
        return
    tasks = [
        asyncio.create_task(_sales(socket.app, connection, session_id)),
        asyncio.create_task(_watch_token(socket, connection)),
    ]
    name, feed = _feed_of(socket)
    if feed is not None:
        tasks.append(asyncio.create_task(_feed(socket.app, connection, principal, session_id, name, feed)))
    try:
        await serve(socket, connection, session_id)
    finally:
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


async def _watch_token(socket: WebSocket[Any, Any, Any], connection: Connection) -> None:
    """The token the socket presented, resolved again: revoked closes the console; a database
    hiccup keeps it (the next check decides)."""
    while not connection.closed.is_set():
        await asyncio.sleep(TOKEN_RECHECK_S)
        try:
            await authenticate(socket)
        except NotAuthenticated:
            await connection.close(CLOSE_UNAUTHENTICATED, "this token was revoked")
        except Exception as exc:  # an outage is not a revocation: the next check decides
            log.warning("console token re-check failed", error=type(exc).__name__)


async def _sales(app: Any, connection: Connection, session_id: str) -> None:
    store, last = runtime.of(app).store, None
    while not connection.closed.is_set():
        with contextlib.suppress(Exception):
            counters = await store.counters(session_id)
            figures = {"carts": counters.carts, "orders": await store.orders(session_id)}
            if figures != last:
                last = figures
                connection.answer(encode({"type": "sales", **figures}))
        await asyncio.sleep(SALES_EVERY_S)


def _feed_of(socket: WebSocket[Any, Any, Any]) -> tuple[str, Feed | None]:
    name = (socket.query_params.get("feed") or "")[:40]
    feeds: dict[str, Feed] = socket.app.state.get(FEEDS_STATE) or {}
    return name, feeds.get(name)


async def _feed(app: Any, connection: Connection, principal: Principal, session_id: str, name: str, feed: Feed) -> None:
    last = None
    while not connection.closed.is_set():
        try:
            body = await feed(app, principal, session_id)
            if body != last:
                last = body
                connection.answer(encode({**body, "type": name}))
        except Exception as exc:  # the database away: the next round tries again
            log.warning("console feed failed", feed=name, error=type(exc).__name__)
        await asyncio.sleep(FEED_EVERY_S)
