"""Page: the viewer's live room `/live/{session_id}` (the socket does the rest)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.response import Template
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import LiveSession
from server.kernel.cookies import REF_PARAM, visitor_cookies, visitor_id


@get("/live/{session_id:str}", include_in_schema=False)
async def live_room(request: Request[Any, Any, Any], db: AsyncSession, session_id: str) -> Response[Any]:
    live = await db.get(LiveSession, session_id)
    if live is None:
        return Template("live_missing.html", status_code=404, context={"session_id": session_id})
    ref = (request.query_params.get(REF_PARAM) or "")[:64]
    context = {"live": live, "ref": ref}
    return Template("live.html", context=context, cookies=visitor_cookies(*visitor_id(request)))


ROUTE_HANDLERS: list[Any] = [live_room]
