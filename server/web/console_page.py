"""Page: the brand console `/console` — pick a session, watch the room live, pin, go live, end."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.response import Redirect, Template
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import LiveSession
from server.auth.guard import authenticate
from server.kernel.principal import Principal, Role
from server.kernel.problems import NotAuthenticated

SESSIONS_SHOWN = 50


async def _sessions(db: AsyncSession, principal: Principal) -> list[LiveSession]:
    stmt = select(LiveSession).order_by(col(LiveSession.id).desc()).limit(SESSIONS_SHOWN)
    if principal.role is Role.BRAND:
        stmt = stmt.where(LiveSession.brand_id == principal.brand_id)
    return list((await db.exec(stmt)).all())


@get("/console", include_in_schema=False)
async def console(request: Request[Any, Any, Any], db: AsyncSession, session: str | None = None) -> Response[Any]:
    try:
        principal = await authenticate(request)
    except NotAuthenticated:
        return Redirect("/signin?next=/console", status_code=303)
    if principal.role not in (Role.BRAND, Role.ADMIN):
        return Template("console.html", status_code=403, context={"forbidden": True, "sessions": [], "selected": None})
    sessions = await _sessions(db, principal)
    selected = next((s for s in sessions if s.id == session), None)
    return Template(
        "console.html",
        context={
            "forbidden": False,
            "sessions": sessions,
            "selected": selected,
            "disputes_api": _disputes_api(principal),
        },
    )


def _disputes_api(principal: Principal) -> str:
    """A brand lists its own disputes; an admin every brand's (the finance list)."""
    if principal.role is Role.BRAND:
        return f"/api/v1/brands/{principal.brand_id}/disputes"
    return "/api/v1/finance/disputes"


ROUTE_HANDLERS: list[Any] = [console]
