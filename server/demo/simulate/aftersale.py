"""After the live, the orders' after-sale life: the brand ships every paid order it still owes
(one parcel each, a tracking number per order), each buyer confirms receipt from their own cookie,
and one buyer returns a unit — the brand approves it with its return address and confirms the
goods came back, which refunds the unit through Stripe and reverses its commission from pending."""

from __future__ import annotations

import httpx

from server.demo.simulate.api import call
from server.demo.simulate.config import SaleConfig
from server.demo.simulate.outcome import OrderMade, SaleOutcome

RETURN_ADDRESS = "Zhixiang demo returns, 9 Huaihai Rd, Shanghai"


def _owed(order: OrderMade) -> bool:
    return order.refunded_minor < order.amount_minor and order.visitor_id is not None


async def ship_and_deliver(config: SaleConfig, brand: httpx.AsyncClient, outcome: SaleOutcome) -> int:
    """Ship and deliver every paid order not fully refunded; returns how many were delivered."""
    delivered = 0
    for order in [o for o in outcome.paid if _owed(o)]:
        tracking = f"ZX{order.order_id[-12:].upper()}"  # unique per order, so reruns never collide
        await call(
            brand,
            "POST",
            f"/api/v1/orders/{order.order_id}/parcels",
            json={"carrier": "SF Express", "tracking_number": tracking},
        )
        order.fulfilment = "shipped"
        async with _buyer(config, order) as buyer:
            answer = await call(buyer, "POST", f"/api/v1/checkout/orders/{order.order_id}/delivery")
        order.fulfilment = str(answer["fulfilment"])
        delivered += 1
    return delivered


async def return_one(config: SaleConfig, brand: httpx.AsyncClient, outcome: SaleOutcome) -> OrderMade | None:
    """The first delivered, unrefunded order through a partner's link: one unit back, refunded."""
    order = next((o for o in outcome.paid if o.fulfilment == "delivered" and o.code and not o.refunded_minor), None)
    if order is None:
        return None
    async with _buyer(config, order) as buyer:
        view = await call(buyer, "GET", f"/api/v1/checkout/orders/{order.order_id}/fulfilment")
        line = view["lines"][0]
        body = {
            "kind": "return_refund",
            "reason": "simulated: wrong size",
            "lines": [{"line_id": line["id"], "quantity": 1}],
        }
        request = await call(buyer, "POST", f"/api/v1/checkout/orders/{order.order_id}/aftersales", json=body)
    path = f"/api/v1/aftersales/{request['id']}"
    await call(brand, "POST", f"{path}/decision", json={"decision": "approve", "return_address": RETURN_ADDRESS})
    done = await call(brand, "POST", f"{path}/received")
    order.refunded_minor += int(done["amount_minor"])
    return order


def _buyer(config: SaleConfig, order: OrderMade) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=config.base_url, cookies={"zx_vid": order.visitor_id or ""}, timeout=30.0)
