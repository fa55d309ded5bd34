"""One hook for every HTTP response: browser hardening headers, and in production HSTS and the
`Secure` flag on every cookie (whoever set it: pages, the visitor cookie, the token cookie).

The frame rule is `X-Frame-Options: DENY`, not a Content-Security-Policy, so the checkout pages'
own CSP (Stripe.js) is never overwritten or merged with this one."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from litestar.types import Message, Scope

HSTS = b"max-age=31536000; includeSubDomains"
COMMON = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"x-frame-options", b"DENY"),
]


def _secure(cookie: bytes) -> bytes:
    attributes = {part.strip().lower() for part in cookie.split(b";")[1:]}
    return cookie if b"secure" in attributes else cookie + b"; Secure"


def harden(headers: list[tuple[bytes, bytes]], production: bool) -> list[tuple[bytes, bytes]]:
    present = {name.lower() for name, _ in headers}
    if production:
        headers = [(n, _secure(v) if n.lower() == b"set-cookie" else v) for n, v in headers]
        headers += [(b"strict-transport-security", HSTS)] if b"strict-transport-security" not in present else []
    return headers + [(n, v) for n, v in COMMON if n not in present]


def security_headers(production: bool) -> Callable[[Message, Scope], Awaitable[None]]:
    """A `before_send` hook for the app."""

    async def hook(message: Message, scope: Scope) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = harden([(bytes(n), bytes(v)) for n, v in message.get("headers", [])], production)

    return hook
