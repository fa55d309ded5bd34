"""Page: the viewer's live room `/live/{session_id}` (the socket does the rest; a replay's opening
is counted as a replay view, with the partner link the viewer's own click backs). With a publishable
key it loads Stripe.js for the group-buy card's Payment Element, under the checkout pages' CSP."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.response import Template
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import LiveSession, SessionState
from broadcast.replays.views import note_view
from server.kernel.cookies import ATTRIBUTION_COOKIE, REF_PARAM, visitor_cookies, visitor_id
from server.kernel.referrals import vouched_ref
from server.web.checkout_page import PAYMENT_PAGE_HEADERS, STRIPE_JS


@get("/live/{session_id:str}", include_in_schema=False)
async def live_room(request: Request[Any, Any, Any], db: AsyncSession, session_id: str) -> Response[Any]:
    live = await db.get(LiveSession, session_id)
    if live is None:
        return Template("live_missing.html", status_code=404, context={"session_id": session_id})
    ref = (request.query_params.get(REF_PARAM) or "")[:64]
    vid, new_vid = visitor_id(request)
    if live.state == SessionState.REPLAY:  # a replay view, for the funnel and the dashboard
        vouched = await vouched_ref(request.app.state, ref, vid, request.cookies.get(ATTRIBUTION_COOKIE))
        await note_view(db, live.id, vid, vouched)
    gateway = getattr(request.app.state, "payment_gateway", None)
    publishable_key = (request.app.state.settings.stripe_publishable_key or "") if gateway else ""
    context = {"live": live, "ref": ref, "publishable_key": publishable_key, "stripe_js": STRIPE_JS}
    headers = PAYMENT_PAGE_HEADERS if publishable_key else None  # Stripe.js is the one third-party script
    return Template("live.html", context=context, cookies=visitor_cookies(vid, new_vid), headers=headers)


ROUTE_HANDLERS: list[Any] = [live_room]
