"""Pages: the front door. Other pages (sign-in, admin, live room, consoles) live beside this module
and are added to ROUTE_HANDLERS here."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.response import Template

from server.auth.guard import TOKEN_COOKIE
from server.web import (
    admin_page,
    buyer_consent_page,
    buyer_order_page,
    checkout_page,
    console_page,
    finance_page,
    live_page,
    orders_pages,
    outbox_page,
    partner_page,
    setup_pages,
    signin_page,
)


@get("/", include_in_schema=False)
async def index(request: Request[Any, Any, Any]) -> Template:
    return Template("index.html", context={"signed_in": bool(request.cookies.get(TOKEN_COOKIE))})


ROUTE_HANDLERS: list[Any] = [
    index,
    *signin_page.ROUTE_HANDLERS,
    *admin_page.ROUTE_HANDLERS,
    *live_page.ROUTE_HANDLERS,
    *console_page.ROUTE_HANDLERS,
    *setup_pages.ROUTE_HANDLERS,
    *orders_pages.ROUTE_HANDLERS,
    *partner_page.ROUTE_HANDLERS,
    *finance_page.ROUTE_HANDLERS,
    *checkout_page.ROUTE_HANDLERS,
    *buyer_order_page.ROUTE_HANDLERS,
    *outbox_page.ROUTE_HANDLERS,
    *buyer_consent_page.ROUTE_HANDLERS,
]
