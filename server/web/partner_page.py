"""Pages: `/partner` (a partner's partnerships, links with QR codes, live funnel) and
`/console/partners` (a brand's applications, rates, commission rules and the partners' funnel).
Signed in with the `zx_token` cookie from /signin; the funnel arrives over `/ws/funnel/{session_id}`."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.response import Redirect, Template

import commission.services.statement_exports as statement_exports
from broadcast.models import Brand
from distribution.services.console import partner_console, remember_device, sessions_of
from server.auth.guard import authenticate
from server.kernel.cookies import visitor_cookies, visitor_id
from server.kernel.principal import Principal, Role
from server.kernel.problems import Problem


async def _principal(request: Request[Any, Any, Any], role: Role) -> Principal | None:
    try:
        principal = await authenticate(request)
    except Problem:
        return None
    return principal if principal.role is role else None


def _pick(sessions: list[Any], wanted: str | None) -> Any:
    chosen = [s for s in sessions if s.id == wanted]
    return chosen[0] if chosen else (sessions[0] if sessions else None)


@get("/partner", include_in_schema=False)
async def partner_home(request: Request[Any, Any, Any], session: str | None = None) -> Response[Any] | Template:
    principal = await _principal(request, Role.PARTNER)
    if principal is None or principal.partner_id is None:
        return Redirect("/signin?next=/partner", status_code=303)
    state = request.app.state
    device, new = visitor_id(request)
    async with state.sessionmaker() as db:
        console = await partner_console(db, principal.partner_id, state.settings.public_base_url)
        await remember_device(db, principal.partner_id, device)
    if console is None:
        return Redirect("/signin?next=/partner", status_code=303)
    context = {
        "console": console,
        "current": _pick(console.sessions, session),
        "direct_csv_lines": statement_exports.DIRECT_MAX_LINES,  # more: the page exports in the background
    }
    return Template("partner.html", context=context, cookies=visitor_cookies(device, new))


@get("/console/partners", include_in_schema=False)
async def brand_partners(request: Request[Any, Any, Any], session: str | None = None) -> Response[Any] | Template:
    """Applications and rates, rules and policy with their preview (static/partners.js, all through
    the API), and the partners' funnel side by side for a session. A brand's own; an admin names one
    with ?brand=."""
    try:
        principal = await authenticate(request)
    except Problem:
        return Redirect("/signin?next=/console/partners", status_code=303)
    if principal.role not in (Role.BRAND, Role.ADMIN):
        return Template("brand_partners.html", status_code=403, context={"forbidden": True, "brand": None})
    brand_id = principal.brand_id if principal.role is Role.BRAND else request.query_params.get("brand")
    async with request.app.state.sessionmaker() as db:
        brand = await db.get(Brand, brand_id) if brand_id else None
        sessions = await sessions_of(db, [brand.id]) if brand else []
    context = {"forbidden": False, "brand": brand, "sessions": sessions, "current": _pick(sessions, session)}
    return Template("brand_partners.html", context=context)


ROUTE_HANDLERS: list[Any] = [partner_home, brand_partners]
