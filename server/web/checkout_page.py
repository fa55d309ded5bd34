"""Page: the viewer's checkout for one live session (`/live/{session_id}/checkout`), standalone
beside the live room page. It talks to the public cart/checkout API from `static/checkout.js`."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.response import Template
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import LiveSession
from broadcast.services.lineup import lineup_of
from broadcast.transitions import can_sell
from server.kernel.cookies import REF_PARAM, visitor_cookies, visitor_id
from server.kernel.problems import NotFound


@get("/live/{session_id:str}/checkout", include_in_schema=False)
async def checkout_page(request: Request[Any, Any, Any], db: AsyncSession, session_id: str) -> Template:
    live = await db.get(LiveSession, session_id)
    if live is None:
        raise NotFound.of("session", session_id)
    gateway = getattr(request.app.state, "payment_gateway", None)
    vid, new = visitor_id(request)
    context = {
        "live": live,
        "lineup": await lineup_of(db, session_id),
        "selling": can_sell(live.state),  # type: ignore[arg-type]
        "payments": gateway is not None,
        "test_payments": bool(gateway and gateway.test_payments),
        "ref": request.query_params.get(REF_PARAM) or "",
    }
    return Template("checkout.html", context=context, cookies=visitor_cookies(vid, new))


ROUTE_HANDLERS: list[Any] = [checkout_page]
