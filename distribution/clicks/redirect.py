"""`GET /l/{code}`: note the click and send the visitor on with a signed attribution cookie.

Once the code is cached, the only I/O on the hot path is handing the click to the buffer (with
Redis: one pipelined `XADD` shared by the clicks of the same loop turn, so the click is safe before
the 302 leaves; see stream.py). It writes its headers directly, because this route is the one that
sees the traffic of every partner's every share."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

import structlog
from litestar import Request, get
from litestar.datastructures import ResponseHeader
from litestar.openapi import ResponseSpec
from litestar.response.base import ASGIResponse

from distribution.clicks.buffer import ClickBuffer, ClickRecord
from distribution.clicks.resolve import CODE_SHAPE, LinkResolver, ResolvedLink, shared_resolver
from distribution.clicks.token import AttributionClaim, sign_claim
from server.kernel.clock import utcnow
from server.kernel.cookies import (
    ATTRIBUTION_COOKIE,
    VISITOR_COOKIE,
    cookie_value,
    is_visitor_id,
    new_visitor_id,
    visitor_set_cookie_header,
)
from server.kernel.ids import new_id

log = structlog.get_logger(__name__)
ATTRIBUTION_MAX_AGE = 365 * 86400  # the longest window a brand may set; the window itself is checked on payment
VISITOR_KEY = VISITOR_COOKIE.encode()
VISITOR_PREFIX = VISITOR_KEY + b"="


def _resolver(state: Any) -> LinkResolver:
    return shared_resolver(state)


def _cookie(name: str, value: str, max_age: int) -> tuple[bytes, bytes]:
    # Values are url-safe base64 and ids: nothing to quote.
    return b"set-cookie", f"{name}={value}; Max-Age={max_age}; Path=/; HttpOnly; SameSite=Lax".encode()


PAGE = "text/html"
# The friendly pages a person with a phone sees instead of an API error.
PAGES = {
    404: ResponseSpec(str, False, "A friendly page: the code leads nowhere", PAGE),
    503: ResponseSpec(str, False, "A friendly page: the link cannot be looked up now", PAGE),
}
LOCATION = ResponseHeader(name="Location", documentation_only=True, description="the live room (or the brand's page)")


@get(
    "/l/{code:str}",
    summary="Follow a partner's tracked link",
    tags=["links"],
    status_code=302,
    response_description="To the live room, with the signed attribution cookie",
    response_headers=[LOCATION],
    responses=PAGES,
    opt={"friendly_not_found": True},  # the code's shape is checked before any lookup (resolve.py)
)
async def follow_link(request: Request[Any, Any, Any], code: str) -> ASGIResponse:
    """The route behind the front door (front_door.py): what it does not answer itself lands
    here — unknown codes, an unreachable database, HEAD requests."""
    state = request.app.state
    try:
        headers = await redirect_headers(state, request.scope, code)
    except Exception:  # the database is unreachable: a person is waiting, tell them plainly
        log.exception("link lookup failed", code=code[:24])
        return _not_found(request, code, status_code=503)
    if headers is None:
        return _not_found(request, code)
    return ASGIResponse(status_code=302, encoded_headers=headers)


async def redirect_headers(state: Any, scope: Any, code: str) -> list[tuple[bytes, bytes]] | None:
    """The 302's headers for `code`, the click already buffered; None for a code that leads nowhere.
    Raises when the link cannot be looked up."""
    resolved = await _resolver(state).resolve(state, code)
    if resolved is None:
        return None
    headers = [(b"location", _location(resolved, scope["query_string"]).encode()), (b"cache-control", b"no-store")]
    agent, visitor_id = _agent_and_visitor(scope["headers"])
    if not is_visitor_id(visitor_id):
        visitor_id = new_visitor_id()
        headers.append(visitor_set_cookie_header(visitor_id))
    if resolved.attributes:
        client = scope.get("client")
        headers.append(await _record(state, resolved, visitor_id, agent, client[0] if client else "unknown"))
    return headers


def _location(resolved: ResolvedLink, query_string: bytes) -> str:
    """A group-buy share link (`?group=CODE`): the live page shows that group. Parsed only when present."""
    if b"group=" not in query_string or not resolved.session_id:
        return resolved.location
    group = parse_qs(query_string.decode("latin-1")).get("group", [""])[0]
    if not CODE_SHAPE.match(group):
        return resolved.location
    return resolved.location + ("&" if "?" in resolved.location else "?") + f"group={group}"


def _agent_and_visitor(raw_headers: Any) -> tuple[str | None, str]:
    """User agent and `zx_vid` straight from the raw headers: the only two this route reads, so it
    skips building the full header and cookie maps."""
    agent, visitor_id = None, ""
    for name, value in raw_headers:
        if name == b"user-agent":
            agent = value[:200].decode("latin-1")
        elif name == b"cookie" and VISITOR_PREFIX in value:
            visitor_id = cookie_value(value, VISITOR_KEY) or visitor_id
    return agent, visitor_id


def _not_found(request: Request[Any, Any, Any], code: str, status_code: int = 404) -> ASGIResponse:
    """A friendly page, not an API error: whoever follows a dead link is a person with a phone."""
    engine: Any = request.app.template_engine
    page = engine.get_template("link_not_found.html").render(
        code=code[:24],
        unavailable=status_code == 503,
        request=request,  # the reader's language
    )
    return ASGIResponse(body=page, status_code=status_code, media_type="text/html; charset=utf-8")


async def _record(
    state: Any, resolved: ResolvedLink, visitor_id: str, agent: str | None, ip: str
) -> tuple[bytes, bytes]:
    now = utcnow()
    click = ClickRecord(
        id=new_id("clk"),
        link_id=resolved.link_id,
        partner_id=resolved.partner_id,
        brand_id=resolved.brand_id,
        session_id=resolved.session_id,
        visitor_id=visitor_id,
        user_agent=agent or None,
        ip=ip,
        clicked_at=now.timestamp(),
    )
    buffer: ClickBuffer = state.click_buffer
    await buffer.add(click)
    claim = AttributionClaim(
        link_id=resolved.link_id, partner_id=resolved.partner_id, click_id=click.id, clicked_at=now
    )
    return _cookie(ATTRIBUTION_COOKIE, sign_claim(state.settings.secret_key, claim), ATTRIBUTION_MAX_AGE)
