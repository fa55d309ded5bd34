"""Fulfilment: paid orders to ship, parcels, the buyer's steps and the sweeper on the test clock."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from broadcast.fulfilment.sweeper import SweepResult, sweep
from commission import ledger
from commission.release import release_matured
from server.kernel import clock
from tests.factories import add_to_lineup, auth, go_live, make_sku
from tests.factories_checkout import Shop, add_to_cart, checkout, make_shop, visitor
from tests.factories_distribution import api_world
from tests.factories_orders import pay, place, through_link
from tests.integration.checkout.test_buy_and_pay import pay_and_deliver

DAY_S = 86_400
_tracking = itertools.count(100_001)


@dataclass
class Bought:
    shop: Shop
    order: dict[str, Any]
    buyer: dict[str, str]  # the buyer's cookie header
    line_id: str = ""


async def bought(
    app: Any, client: Any, stripe: Any, quantity: int = 2, shop: Shop | None = None, **shop_args: Any
) -> Bought:
    """A paid order of `quantity` units of one SKU (price 100.00 each unless told)."""
    shop = shop or await make_shop(app, client, price_minor=shop_args.pop("price_minor", 10000), **shop_args)
    buyer = visitor()
    assert (await add_to_cart(client, shop, buyer, quantity)).status_code == 200
    placed = await checkout(
        client,
        shop,
        buyer,
        body={"contact": {"name": "Lin", "phone": "+8613800000000"}, "shipping_address": "1 Nanjing Rd"},
    )
    assert placed.status_code == 201, placed.text
    order = placed.json()["order"]
    intent = await client.post(f"/api/v1/checkout/orders/{order['id']}/payment-intent", headers=buyer)
    order["payment_intent_id"] = intent.json()["payment_intent_id"]
    await pay_and_deliver(app, client, stripe, order, buyer)
    await app.state.dispatcher.drain()
    b = Bought(shop, order, buyer)
    b.line_id = (await buyer_view(client, b)).json()["lines"][0]["id"]
    return b


def tracking() -> str:
    return f"SF{next(_tracking)}"


async def ship(
    client: Any, b: Bought, quantity: int | None = None, number: str | None = None, token: str | None = None
) -> Any:
    body: dict[str, Any] = {"carrier": "SF Express", "tracking_number": number or tracking()}
    if quantity is not None:
        body["lines"] = [{"line_id": b.line_id, "quantity": quantity}]
    return await client.post(f"/api/v1/orders/{b.order['id']}/parcels", json=body, headers=auth(token or b.shop.token))


async def buyer_view(client: Any, b: Bought) -> Any:
    return await client.get(f"/api/v1/checkout/orders/{b.order['id']}/fulfilment", headers=b.buyer)


async def confirm(client: Any, b: Bought) -> Any:
    return await client.post(f"/api/v1/checkout/orders/{b.order['id']}/delivery", headers=b.buyer)


async def ask(
    client: Any, b: Bought, kind: str = "return_refund", quantity: int = 1, reason: str = "wrong size"
) -> Any:
    body = {"kind": kind, "reason": reason, "lines": [{"line_id": b.line_id, "quantity": quantity}]}
    return await client.post(f"/api/v1/checkout/orders/{b.order['id']}/aftersales", json=body, headers=b.buyer)


async def decide(client: Any, b: Bought, aftersale_id: str, **body: Any) -> Any:
    return await client.post(f"/api/v1/aftersales/{aftersale_id}/decision", json=body, headers=auth(b.shop.token))


async def received(client: Any, b: Bought, aftersale_id: str) -> Any:
    return await client.post(f"/api/v1/aftersales/{aftersale_id}/received", headers=auth(b.shop.token))


async def days_pass(app: Any, days: float) -> SweepResult:
    """Move the injected clock on and run one pass of the sweeper, then deliver the events."""
    clock.advance(days * DAY_S)
    result = await sweep(app.state.sessionmaker, app.state.payment_gateway)
    await app.state.dispatcher.drain()
    return result


async def partner_bought(app: Any, client: Any, stripe: Any, quantity: int = 2, **settings: Any) -> tuple[Bought, str]:
    """A paid order through a partner's link (brand default rate 10 %), and the partner's id."""
    world = await api_world(app, client, settings=settings)
    sku = await make_sku(client, world.brand_token, world.brand["id"], price_minor=10000, stock=20)
    await add_to_lineup(client, world.brand_token, world.session["id"], sku["id"])
    await go_live(client, world.brand_token, world.session["id"])
    shop = Shop(world.brand["id"], world.brand_token, world.session["id"], sku["id"])
    buyer = await through_link(app, client, world.link["code"])
    order = await place(client, shop, buyer, quantity)
    await pay(app, client, stripe, order, buyer)
    b = Bought(shop, order, buyer)
    b.line_id = (await buyer_view(client, b)).json()["lines"][0]["id"]
    return b, str(world.partner["id"])


async def partner_balances(app: Any, partner_id: str) -> dict[str, int]:
    """The partner's balance per account kind (pending, available, …), from the ledger's entries."""
    async with app.state.sessionmaker() as session:
        found = await ledger.balances(session, owner_type="partner", owner_ids=[partner_id])
    return {str(k.kind): v for k, v in found.items()}


async def release(app: Any) -> int:
    async with app.state.sessionmaker() as session:
        result = await release_matured(session, clock.utcnow())
        await session.commit()
    return result.orders
