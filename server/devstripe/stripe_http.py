"""What every Stripe-shaped test server here shares: the published fixtures, Stripe's error
shape, ids, the Idempotency-Key rule, and the "not found" and "connection dropped" answers."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent.parent
# `../shared/stripe/fixtures3.json` from the clone; in a sibling worktree the shared folder sits one level higher.
CANDIDATES = [ROOT.parent / "shared/stripe/fixtures3.json", ROOT.parent.parent / "shared/stripe/fixtures3.json"]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def fixtures_path() -> Path | None:
    if os.environ.get("ZX_STRIPE_FIXTURES"):
        return Path(os.environ["ZX_STRIPE_FIXTURES"])
    return next((p for p in CANDIDATES if p.exists()), None)


def load_fixtures(path: Path | None = None) -> dict[str, Any]:
    path = path or fixtures_path()
    if path is None or not path.exists():
        raise FileNotFoundError(
            "Stripe fixtures3.json not found (../shared/stripe/fixtures3.json or ZX_STRIPE_FIXTURES)"
        )
    return json.loads(path.read_text())["resources"]  # type: ignore[no-any-return]


def stripe_error(
    status: int, type_: str, message: str, code: str | None = None, param: str | None = None
) -> web.Response:
    body = {
        "error": {
            "type": type_,
            "message": message,
            "code": code,
            "param": param,
            "doc_url": f"https://stripe.com/docs/error-codes/{code}" if code else None,
            "request_log_url": None,
        }
    }
    return web.json_response(
        {"error": {k: v for k, v in body["error"].items() if v is not None}},
        status=status,
        headers={"Request-Id": new_id("req")},
    )


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


def idempotent(seen_keys: dict[str, tuple[str, int, dict[str, Any]]], handler: Handler) -> Handler:
    """Stripe's Idempotency-Key rule: the same key with the same request replays the first answer;
    with a different request it is a 400 `idempotency_error`."""

    async def wrapped(request: web.Request) -> web.StreamResponse:
        key = request.headers.get("Idempotency-Key")
        body = sorted((await request.post()).items())
        signature = f"{request.method} {request.path} {body}"
        if key and key in seen_keys:
            seen, status, payload = seen_keys[key]
            if seen != signature:
                return stripe_error(
                    400,
                    "idempotency_error",
                    "Keys for idempotent requests can only be used with the same parameters "
                    f"they were first used with. Try using a key other than '{key}' if you "
                    "meant to execute a different request.",
                )
            return web.json_response(payload, status=status, headers={"Idempotent-Replayed": "true"})
        response = await handler(request)
        if key and isinstance(response, web.Response) and response.status < 500:
            seen_keys[key] = (signature, response.status, json.loads(response.body))  # type: ignore[arg-type]
        return response

    return wrapped


def missing(kind: str, ident: str, param: str = "id") -> web.Response:
    return stripe_error(404, "invalid_request_error", f"No such {kind}: '{ident}'", "resource_missing", param)


def drop(request: web.Request) -> web.Response:
    """Close the connection without an answer (the client sees a network error)."""
    if request.transport is not None:
        request.transport.abort()
    return web.Response(status=503)


@web.middleware
async def require_secret_key(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Stripe answers 401 unless the request carries a bearer secret key."""
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    if scheme != "Bearer" or not key.startswith("sk_"):
        return stripe_error(401, "invalid_request_error", "Invalid API Key provided.")
    return await handler(request)
