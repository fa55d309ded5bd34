"""Cookie and query names shared by the live room, the tracked links and checkout, and the one
place the anonymous viewer's cookie (`zx_vid`) is made: its name, lifetime, flags and value."""

from __future__ import annotations

import secrets
from typing import Any, TypeVar

from litestar import Request, Response
from litestar.datastructures import Cookie

# An anonymous viewer's stable id (random, url-safe); set by whichever page sees the viewer first.
VISITOR_COOKIE = "zx_vid"
# A year: browsers cap any cookie at 400 days (Chrome), so a longer lifetime would only be a promise
# some browsers break; the attribution cookie's longest window is a year too.
VISITOR_MAX_AGE_S = 365 * 86400
# The signed attribution token set by `GET /l/{code}`; only distribution can read its contents.
ATTRIBUTION_COOKIE = "zx_attr"
# The link code a viewer came through, passed on the live room URL (`/live/{id}?ref=CODE`) and
# its websocket (`/ws/sessions/{id}?ref=CODE`); unverified, used only for funnel counting.
REF_PARAM = "ref"

T = TypeVar("T")


def is_visitor_id(value: str | None) -> bool:
    """What a browser sends is kept only if it looks like one of ours (the length of a token)."""
    return value is not None and 8 <= len(value) <= 64


def cookie_value(header: bytes, name: bytes) -> str | None:
    """One cookie's value from a raw `Cookie` header, for the routes answered in front of the
    framework (which never builds a cookie map for them)."""
    for part in header.split(b";"):
        key, _, value = part.strip().partition(b"=")
        if key == name:
            return value.decode("latin-1").strip('"')
    return None


def new_visitor_id() -> str:
    return secrets.token_urlsafe(16)


def visitor_id(request: Request[Any, Any, Any]) -> tuple[str, bool]:
    """(the visitor id, whether it is new and must be set as a cookie)."""
    current = request.cookies.get(VISITOR_COOKIE)
    return (current, False) if current is not None and is_visitor_id(current) else (new_visitor_id(), True)


def visitor_cookie(value: str) -> Cookie:
    """Not readable by scripts, sent on top-level navigations from a shared link (Lax), site-wide."""
    return Cookie(key=VISITOR_COOKIE, value=value, max_age=VISITOR_MAX_AGE_S, httponly=True, samesite="lax", path="/")


def visitor_cookies(value: str, new: bool) -> list[Cookie]:
    """The cookie to set on a response: only when the visitor id was just made."""
    return [visitor_cookie(value)] if new else []


def visitor_set_cookie_header(value: str) -> tuple[bytes, bytes]:
    """The same cookie as a raw header, for the link redirect that writes its headers itself."""
    return b"set-cookie", visitor_cookie(value).to_header(header="").strip().encode("latin-1")


def respond(content: T, vid: str, new: bool, status_code: int = 200) -> Response[T]:
    """An API response that sets the visitor cookie when the id was just made."""
    return Response(content, status_code=status_code, cookies=visitor_cookies(vid, new))
