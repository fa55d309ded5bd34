"""The anonymous viewer: the `zx_vid` cookie (set here when missing) and the raw `zx_attr` token."""

from __future__ import annotations

import secrets
from typing import Any, TypeVar

from litestar import Request, Response
from litestar.datastructures import Cookie

from server.kernel.cookies import ATTRIBUTION_COOKIE, VISITOR_COOKIE

T = TypeVar("T")
ONE_YEAR_S = 365 * 86400


def visitor_id(request: Request[Any, Any, Any]) -> tuple[str, bool]:
    """(the visitor id, whether it is new and must be set as a cookie)."""
    current = request.cookies.get(VISITOR_COOKIE)
    if current and 8 <= len(current) <= 64:
        return current, False
    return secrets.token_urlsafe(16), True


def attribution_token(request: Request[Any, Any, Any]) -> str | None:
    token = request.cookies.get(ATTRIBUTION_COOKIE)
    return token[:2000] if token else None


def respond(content: T, vid: str, new: bool, status_code: int = 200) -> Response[T]:
    cookies = (
        [Cookie(key=VISITOR_COOKIE, value=vid, max_age=ONE_YEAR_S, httponly=True, samesite="lax", path="/")]
        if new
        else []
    )
    return Response(content, status_code=status_code, cookies=cookies)
