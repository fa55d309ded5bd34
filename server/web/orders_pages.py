"""The brand's orders in the console: `/console/orders` (filter by session, partner, state and
dates; newest first, a page at a time) and `/console/orders/{order_id}` (lines, history, payment,
the attribution "why", the commission split and its ledger entries, refunds with a preview of the
commission they reverse). Shells only: each page's script reads and acts through the API, which
checks the tenant; the page itself only says whose console it is."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from sqlmodel.ext.asyncio.session import AsyncSession

from server.web.setup_pages import setup_page


@get("/console/orders", include_in_schema=False)
async def orders(request: Request[Any, Any, Any], db: AsyncSession, brand: str | None = None) -> Response[Any]:
    return await setup_page(request, db, "console_orders.html", brand)


@get("/console/orders/{order_id:str}", include_in_schema=False)
async def order(
    request: Request[Any, Any, Any], db: AsyncSession, order_id: str, brand: str | None = None
) -> Response[Any]:
    return await setup_page(request, db, "console_order.html", brand, {"order_id": order_id})


ROUTE_HANDLERS: list[Any] = [orders, order]
