"""Pages of the live dashboard: `/console/sessions/{id}/dashboard` (the wall screen, live over the
console socket) and `/console/sessions/{id}/report` (after the show: the same figures and curves,
per SKU and per partner, CSV and print). Shells their script fills from the dashboard API."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.response import Redirect, Template
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import LiveSession
from server.auth.guard import authenticate
from server.kernel.principal import Role
from server.kernel.problems import NotAuthenticated, NotFound


async def _page(request: Request[Any, Any, Any], db: AsyncSession, session_id: str, mode: str) -> Response[Any]:
    try:
        principal = await authenticate(request)
    except NotAuthenticated:
        return Redirect(f"/signin?next={request.url.path}", status_code=303)
    context: dict[str, Any] = {"forbidden": False, "live": None, "mode": mode}
    if principal.role not in (Role.BRAND, Role.ADMIN):
        return Template("console_dashboard.html", status_code=403, context={**context, "forbidden": True})
    live = await db.get(LiveSession, session_id)
    try:
        if live is None:
            raise NotFound.of("session", session_id)
        principal.ensure_brand(live.brand_id, "session", session_id)
    except NotFound:
        return Template("console_dashboard.html", status_code=404, context=context)
    return Template("console_dashboard.html", context={**context, "live": live})


@get("/console/sessions/{session_id:str}/dashboard", include_in_schema=False)
async def dashboard(request: Request[Any, Any, Any], db: AsyncSession, session_id: str) -> Response[Any]:
    return await _page(request, db, session_id, "live")


@get("/console/sessions/{session_id:str}/report", include_in_schema=False)
async def report(request: Request[Any, Any, Any], db: AsyncSession, session_id: str) -> Response[Any]:
    return await _page(request, db, session_id, "report")


ROUTE_HANDLERS: list[Any] = [dashboard, report]
