"""Page: the viewer's live room `/live/{session_id}` (the socket does the rest)."""

from __future__ import annotations

import secrets
from typing import Any

from litestar import Request, Response, get
from litestar.datastructures import Cookie
from litestar.response import Template
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import LiveSession
from server.kernel.cookies import REF_PARAM, VISITOR_COOKIE

VISITOR_MAX_AGE_S = 365 * 86400


def _visitor_cookie(request: Request[Any, Any, Any]) -> list[Cookie]:
    if request.cookies.get(VISITOR_COOKIE):
        return []
    return [
        Cookie(
            key=VISITOR_COOKIE,
            value=secrets.token_urlsafe(16),
            max_age=VISITOR_MAX_AGE_S,
            httponly=True,
            samesite="lax",
            path="/",
        )
    ]


@get("/live/{session_id:str}", include_in_schema=False)
async def live_room(request: Request[Any, Any, Any], db: AsyncSession, session_id: str) -> Response[Any]:
    live = await db.get(LiveSession, session_id)
    if live is None:
        return Template("live_missing.html", status_code=404, context={"session_id": session_id})
    ref = (request.query_params.get(REF_PARAM) or "")[:64]
    context = {"live": live, "ref": ref}
    return Template("live.html", context=context, cookies=_visitor_cookie(request))


ROUTE_HANDLERS: list[Any] = [live_room]
