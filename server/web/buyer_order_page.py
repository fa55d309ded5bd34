"""The buyer's order page, `/orders/{order_id}` (from the payment confirmation or the receipt's
link; the visitor cookie proves whose it is): state, parcels with tracking, confirm receipt and the
after-sales (售后) request. A shell: `static/buyer_order.js` reads and acts through the public API,
which answers only the order's own visitor."""

from __future__ import annotations

from typing import Any

from litestar import get
from litestar.response import Template


@get("/orders/{order_id:str}", include_in_schema=False)
async def buyer_order(order_id: str) -> Template:
    return Template("buyer_order.html", context={"order_id": order_id})


ROUTE_HANDLERS: list[Any] = [buyer_order]
