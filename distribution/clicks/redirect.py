"""`GET /l/{code}`: record the click (buffered) and send the visitor on with a signed cookie."""

from __future__ import annotations

import secrets
from typing import Any

from litestar import Request, Response, get
from litestar.response import Redirect, Template

from distribution.clicks.bots import is_bot_agent
from distribution.clicks.buffer import ClickBuffer, ClickRecord
from distribution.clicks.resolve import LinkResolver, ResolvedLink
from distribution.clicks.token import AttributionClaim, sign_claim
from server.kernel.clock import utcnow
from server.kernel.cookies import ATTRIBUTION_COOKIE, VISITOR_COOKIE
from server.kernel.ids import new_id

ATTRIBUTION_MAX_AGE = 365 * 86400  # the longest window a brand may set; the window itself is checked on payment
VISITOR_MAX_AGE = 2 * 365 * 86400


def _resolver(state: Any) -> LinkResolver:
    resolver = getattr(state, "link_resolver", None)
    if resolver is None:
        resolver = state.link_resolver = LinkResolver(state.settings.link_cache_seconds)
    return resolver  # type: ignore[no-any-return]


def _not_found(code: str) -> Template:
    return Template("link_not_found.html", context={"code": code[:24]}, status_code=404)


@get("/l/{code:str}", include_in_schema=False, summary="Follow a partner's tracked link")
async def follow_link(request: Request[Any, Any, Any], code: str) -> Response[Any] | Template:
    state = request.app.state
    resolved = await _resolver(state).resolve(state, code)
    if resolved is None:
        return _not_found(code)
    response = Redirect(resolved.location, status_code=302)
    response.headers["Cache-Control"] = "no-store"
    visitor_id = request.cookies.get(VISITOR_COOKIE) or ""
    if not 8 <= len(visitor_id) <= 64:
        visitor_id = secrets.token_urlsafe(16)
        response.set_cookie(VISITOR_COOKIE, visitor_id, max_age=VISITOR_MAX_AGE, httponly=True, samesite="lax")
    if resolved.attributes:
        await _record(request, state, resolved, visitor_id, response)
    return response


async def _record(request: Request[Any, Any, Any], state: Any, resolved: ResolvedLink, visitor_id: str,
                  response: Response[Any]) -> None:
    now = utcnow()
    agent = request.headers.get("user-agent")
    click = ClickRecord(id=new_id("clk"), link_id=resolved.link_id, partner_id=resolved.partner_id,
                        brand_id=resolved.brand_id, session_id=resolved.session_id, visitor_id=visitor_id,
                        user_agent=agent[:200] if agent else None, clicked_at=now.timestamp())
    buffer: ClickBuffer = state.click_buffer
    ip = request.client.host if request.client else "unknown"
    # A repeat visit within the de-duplication window names the first click, so the cookie never
    # points at a click that was not stored; its time is this visit's (the last click).
    _, click_id = await buffer.record(click, ip, is_bot_agent(agent))
    claim = AttributionClaim(link_id=resolved.link_id, partner_id=resolved.partner_id, click_id=click_id,
                             clicked_at=now)
    response.set_cookie(ATTRIBUTION_COOKIE, sign_claim(state.settings.secret_key, claim),
                        max_age=ATTRIBUTION_MAX_AGE, httponly=True, samesite="lax")
