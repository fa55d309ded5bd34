"""Pages: the viewer's checkout for one live session (`/live/{session_id}/checkout`), standalone
beside the live room page, and the page Stripe sends the buyer back to after paying
(`…/checkout/return`). They talk to the public cart/checkout API from `static/checkout*.js`.

With a publishable key, the checkout page loads Stripe.js (the only third-party script, named in
the pages' Content-Security-Policy) and mounts the Payment Element; the return page only reads the
order's state — an order turns paid from Stripe's signed webhook alone."""

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

# Stripe.js is the one script from elsewhere; its card and wallet forms are frames from Stripe, and it
# talks to Stripe's API. Everything else is ours.
STRIPE_JS = "https://js.stripe.com/v3"
CONTENT_SECURITY_POLICY = (
    "script-src 'self' https://js.stripe.com; "
    "frame-src https://js.stripe.com https://hooks.stripe.com; "
    "connect-src 'self' https://api.stripe.com"
)
PAYMENT_PAGE_HEADERS = {"Content-Security-Policy": CONTENT_SECURITY_POLICY}


@get("/live/{session_id:str}/checkout", include_in_schema=False)
async def checkout_page(request: Request[Any, Any, Any], db: AsyncSession, session_id: str) -> Template:
    live = await db.get(LiveSession, session_id)
    if live is None:
        raise NotFound.of("session", session_id)
    gateway = getattr(request.app.state, "payment_gateway", None)
    publishable_key = request.app.state.settings.stripe_publishable_key if gateway else None
    vid, new = visitor_id(request)
    context = {
        "live": live,
        "lineup": await lineup_of(db, session_id),
        "selling": can_sell(live.state),  # type: ignore[arg-type]
        "payments": gateway is not None,
        "publishable_key": publishable_key or "",
        "stripe_js": STRIPE_JS,
        "can_pay": bool(publishable_key or (gateway and gateway.test_payments)),
        # Stripe.js wherever there is a publishable key; a loopback test server has none and no Stripe.js.
        "test_payments": bool(gateway and gateway.test_payments and not publishable_key),
        "ref": request.query_params.get(REF_PARAM) or "",
    }
    return Template("checkout.html", context=context, cookies=visitor_cookies(vid, new), headers=PAYMENT_PAGE_HEADERS)


@get("/live/{session_id:str}/checkout/return", include_in_schema=False)
async def checkout_return_page(db: AsyncSession, session_id: str) -> Template:
    """Where `stripe.confirmPayment` sends the buyer (`?order=…&payment_intent=…&redirect_status=…`,
    read by `static/checkout_return.js`): it shows the outcome and polls the order, never pays it."""
    live = await db.get(LiveSession, session_id)
    if live is None:
        raise NotFound.of("session", session_id)
    return Template("checkout_return.html", context={"live": live}, headers=PAYMENT_PAGE_HEADERS)


ROUTE_HANDLERS: list[Any] = [checkout_page, checkout_return_page]
