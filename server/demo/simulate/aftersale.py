"""After the live, the orders' after-sale life: the brand ships every paid order it still owes
(one parcel each, a tracking number per order), each buyer confirms receipt from their own cookie,
and one buyer returns a unit — the brand approves it with its return address and confirms the
goods came back, which refunds the unit through Stripe and reverses its commission from pending.
The sale's return window is 0 days (`stage.SALE_SETTINGS`), so the server's fulfilment sweeper
completes the delivered orders on its next pass, and their commission is released on completion."""

from __future__ import annotations

import asyncio

import httpx

from server.demo.simulate.api import call
from server.demo.simulate.config import SaleConfig
from server.demo.simulate.outcome import OrderMade, SaleOutcome

RETURN_ADDRESS = "Zhixiang demo returns, 9 Huaihai Rd, Shanghai"
COMPLETION_WAIT_S = 100  # the sweeper runs every FULFILMENT_SWEEP_INTERVAL_S (30 s by default)


def _owed(order: OrderMade) -> bool:
    return order.refunded_minor < order.amount_minor and order.visitor_id is not None


async def ship_all(brand: httpx.AsyncClient, outcome: SaleOutcome) -> int:
    """One parcel for every paid order not fully refunded; returns how many were shipped."""
    owed = [o for o in outcome.paid if _owed(o)]
    for order in owed:
        tracking = f"ZX{order.order_id[-12:].upper()}"  # unique per order, so reruns never collide
        body = {"carrier": "SF Express", "tracking_number": tracking}
        await call(brand, "POST", f"/api/v1/orders/{order.order_id}/parcels", json=body)
        order.fulfilment = "shipped"
    return len(owed)


async def deliver_all(config: SaleConfig, outcome: SaleOutcome) -> int:
    """Each buyer of a shipped order confirms receipt from their own cookie."""
    shipped = [o for o in outcome.paid if o.fulfilment == "shipped" and _owed(o)]  # a whole return is not delivered
    for order in shipped:
        async with _buyer(config, order) as buyer:
            answer = await call(buyer, "POST", f"/api/v1/checkout/orders/{order.order_id}/delivery")
        order.fulfilment = str(answer["fulfilment"])
    return len(shipped)


async def return_one(config: SaleConfig, brand: httpx.AsyncClient, outcome: SaleOutcome) -> OrderMade | None:
    """The first shipped, unrefunded order through a partner's link: one unit back, refunded (asked
    for before delivery: with the sale's 0-day return window a delivered order completes at once)."""
    order = next((o for o in outcome.paid if o.fulfilment == "shipped" and o.code and not o.refunded_minor), None)
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


async def wait_for_completion(brand: httpx.AsyncClient, outcome: SaleOutcome) -> list[str]:
    """Until every delivered order has completed; returns those that did not in time."""
    deadline = asyncio.get_running_loop().time() + COMPLETION_WAIT_S
    waiting = [o for o in outcome.paid if o.fulfilment == "delivered"]
    while waiting and asyncio.get_running_loop().time() < deadline:
        for order in waiting:
            view = await call(brand, "GET", f"/api/v1/orders/{order.order_id}/fulfilment")
            order.fulfilment = str(view["fulfilment"])
        waiting = [o for o in waiting if o.fulfilment != "completed"]
        if waiting:
            await asyncio.sleep(1)
    return [o.order_id for o in waiting]


def _buyer(config: SaleConfig, order: OrderMade) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=config.base_url, cookies={"zx_vid": order.visitor_id or ""}, timeout=30.0)
