"""A flash sale's refusals, answered in front of the framework.

When a pinned SKU sells out, almost every checkout is a refusal, and through Litestar each would
pay for routing, the middlewares, dependency injection and reading the body — about 1.5 ms of a
worker's CPU, in the same event loop as the winners' transactions, which hold the SKU's row lock
while they wait for that loop. So `POST /api/v1/sessions/{id}/checkout` asks the stock gate's probe
(one Redis call, or none with the in-process gate) here, and a refusal — sold out, or this buyer
at its limit — is answered at once with the problem+json the app itself would send. Everything
else goes on to the app unchanged: a browser without a visitor cookie or a request without a
valid `Idempotency-Key` (the app makes the cookie or the 4xx), payments disabled (503), a gate that
cannot answer, a replayed winner (REPLAY: its order is found there), and any attempt that may win.

Left out for a refusal, on purpose: the access-log line and the HTTP metrics (the gate counts
refusals), and the per-client rate limit (a refusal writes nothing and costs less than the limiter)."""

from __future__ import annotations

import json
import re
from typing import Any

from litestar.types import ASGIApp, Receive, Send

from broadcast.checkout.checkout import refusal
from broadcast.checkout.gate import runtime as gate_runtime
from server.kernel.cookies import VISITOR_COOKIE, cookie_value, is_visitor_id
from server.kernel.problems import Problem
from server.ops.logs import REQUEST_ID_HEADER, incoming_request_id
from server.web.security_headers import harden

PATH = re.compile(r"/api/v1/sessions/([A-Za-z0-9_-]{1,64})/checkout")
VISITOR = VISITOR_COOKIE.encode()
KEY_HEADER = b"idempotency-key"
KEY_LENGTHS = range(8, 101)  # as the route's Idempotency-Key parameter


def checkout_front_door(app: Any, inner: ASGIApp) -> ASGIApp:
    state = app.state

    async def front_door(scope: Any, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and scope["path"].endswith("/checkout"):
            problem = await _refused(app, scope)
            if problem is not None:
                await _answer(send, scope, problem, state.settings.is_production)
                return
        await inner(scope, receive, send)

    return front_door


async def _refused(app: Any, scope: Any) -> Problem | None:
    """The gate's refusal of this attempt, or None when the app must see it."""
    match = PATH.fullmatch(scope["path"])
    keeper = gate_runtime.of(app)
    if match is None or keeper is None or getattr(app.state, "payment_gateway", None) is None:
        return None
    visitor, key = _visitor_and_key(scope["headers"])
    if not is_visitor_id(visitor) or len(key) not in KEY_LENGTHS:
        return None
    return refusal(await keeper.ask(match.group(1), visitor or "", key))


def _visitor_and_key(raw_headers: Any) -> tuple[str | None, str]:
    visitor, key = None, ""
    for name, value in raw_headers:
        if name == KEY_HEADER:
            key = value.decode("latin-1")
        elif name == b"cookie":
            visitor = cookie_value(value, VISITOR) or visitor
    return visitor, key


async def _answer(send: Send, scope: Any, problem: Problem, production: bool) -> None:
    body = {"status": problem.status_code, "type": problem.type_, "title": problem.title, "detail": problem.detail}
    body |= problem.extra if isinstance(problem.extra, dict) else {}
    body["instance"] = scope["path"]
    encoded = json.dumps(body, separators=(",", ":")).encode()
    headers = [
        (b"content-type", b"application/problem+json"),
        (b"content-length", str(len(encoded)).encode()),
        (REQUEST_ID_HEADER, incoming_request_id(scope).encode()),
    ]
    await send({"type": "http.response.start", "status": problem.status_code, "headers": harden(headers, production)})
    await send({"type": "http.response.body", "body": encoded, "more_body": False})
