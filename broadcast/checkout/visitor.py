"""The raw `zx_attr` token a viewer's browser carries (the visitor cookie itself is made in
`server.kernel.cookies`)."""

from __future__ import annotations

from typing import Any

from litestar import Request

from server.kernel.cookies import ATTRIBUTION_COOKIE


def attribution_token(request: Request[Any, Any, Any]) -> str | None:
    token = request.cookies.get(ATTRIBUTION_COOKIE)
    return token[:2000] if token else None
