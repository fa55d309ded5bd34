"""One rule at the boundary for every request: control characters are refused (422) in the query
and body (a middleware), and a path id that is not of our shape (`brd_` + lowercase base32) or a
path with a control character is not found (404; an app guard, so websockets too).

PostgreSQL refuses a NUL in text, so without this a NUL anywhere became a 500 (and, in
development, seconds of traceback rendering). Tab, newline and carriage return stay allowed
(multi-line text). The body is read once here (bounded by the app's body limit) and replayed."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import unquote_plus

import msgspec
from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.handlers.base import BaseRouteHandler
from litestar.types import ASGIApp, Receive, Scope, Send

from server.kernel.problems import TYPE_BASE, NotFound

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
ESCAPED_CONTROL = re.compile(rb"\\u00(?:0[0-8bcef]|1[0-9a-f]|7f)", re.IGNORECASE)
RAW_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# `new_id`'s shape (prefix + 26 lowercase base32), loosened to any lowercase tail so ids seeded by
# hand (`evt_dead_1`) still route; what it refuses is anything else (NUL, quotes, spaces, dots).
ID_SHAPE = re.compile(r"[a-z]{2,3}_[0-9a-z_]{1,40}")
MAX_CHECKED_BODY = 1024 * 1024


def _has_control(value: Any) -> bool:
    if isinstance(value, str):
        return CONTROL.search(value) is not None
    if isinstance(value, dict):
        return any(_has_control(k) or _has_control(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_control(v) for v in value)
    return False


def body_has_control(body: bytes, content_type: str) -> bool:
    if "multipart/" in content_type:
        return False  # files are bytes; their text fields are not parsed here
    if "form-urlencoded" in content_type:
        return CONTROL.search(unquote_plus(body.decode("latin-1"))) is not None
    if RAW_CONTROL.search(body):
        return True
    if not ESCAPED_CONTROL.search(body):
        return False  # the common case: nothing that could decode to a control character
    try:  # `\\u0000` is a harmless backslash; only decoding tells it from `\u0000`
        return _has_control(msgspec.json.decode(body))
    except msgspec.DecodeError:
        return False  # not JSON: the handler says so


async def path_guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:  # type: ignore[type-arg]
    """An app guard (after the role guard, so a caller without a token still hears 401 first).
    A route with `opt={"friendly_not_found": True}` (the tracked link, which a person follows from a
    phone) checks its own path and answers its own page instead."""
    if handler.opt.get("friendly_not_found"):
        return
    why = bad_path(connection.scope)
    if why is not None:
        raise NotFound(why)


def bad_path(scope: Scope) -> str | None:
    """Why the path is not found: a control character, or an id param not of our shape."""
    if CONTROL.search(scope.get("path", "")):
        return "the path contains a control character"
    for name, value in (scope.get("path_params") or {}).items():
        if name.endswith("_id") and isinstance(value, str) and not ID_SHAPE.fullmatch(value):
            return f"no such {name.removesuffix('_id')}: {value[:40]!r} is not an id"
    return None


async def _problem(send: Send, scope: Scope, status: int, detail: str) -> None:
    body = {"type": TYPE_BASE + "invalid-input", "title": "Invalid input", "status": status, "detail": detail}
    raw = json.dumps({**body, "instance": scope.get("path", "")[:200]}, ensure_ascii=True).encode()
    headers = [(b"content-type", b"application/problem+json"), (b"content-length", str(len(raw)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": raw, "more_body": False})


async def _read(receive: Receive) -> tuple[list[Any], bytes, bool]:
    """(the messages read, the body so far, whether it was all read within the bound)."""
    messages: list[Any] = []
    body = b""
    while len(body) <= MAX_CHECKED_BODY:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return messages, body, False
        body += message.get("body", b"")
        if not message.get("more_body", False):
            return messages, body, True
    return messages, body, False


def _replay(messages: list[Any], receive: Receive) -> Receive:
    async def replayed() -> Any:
        return messages.pop(0) if messages else await receive()

    return replayed


def _content_type(scope: Scope) -> str:
    return next((v.decode("latin-1").lower() for k, v in scope.get("headers", []) if k == b"content-type"), "")


def input_guard_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        if CONTROL.search(unquote_plus(scope.get("query_string", b"").decode("latin-1"))):
            await _problem(send, scope, 422, "the query contains a control character (e.g. NUL)")
            return
        messages, body, whole = await _read(receive)
        if whole and body and body_has_control(body, _content_type(scope)):
            await _problem(send, scope, 422, "a text field contains a control character (e.g. NUL)")
            return
        await app(scope, _replay(messages, receive), send)

    return middleware
