"""The brand's order console: a live shop with a partner whose link a buyer clicked, orders placed
with and without that link, paid through the Stripe test server and delivered to the ledger."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.factories import add_to_lineup, auth, go_live, make_sku
from tests.factories_checkout import CONTACT, Shop, add_to_cart, checkout, post_webhook, visitor
from tests.factories_distribution import api_world
from tests.stripe_server import WEBHOOK_SECRET, StripeTestServer, stripe_events

BROWSER = {"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) AppleWebKit/605.1.15 MicroMessenger/8.0"}


@dataclass
class PartnerShop:
    shop: Shop
    partner_id: str
    link_id: str
    link_code: str


async def partner_shop(app: Any, client: Any, price_minor: int = 10000) -> PartnerShop:
    """A live session selling one SKU, and a partner (brand default rate 10 %) with a link to it."""
    world = await api_world(app, client)
    sku = await make_sku(client, world.brand_token, world.brand["id"], price_minor=price_minor, stock=20)
    await add_to_lineup(client, world.brand_token, world.session["id"], sku["id"])
    await go_live(client, world.brand_token, world.session["id"])
    shop = Shop(world.brand["id"], world.brand_token, world.session["id"], sku["id"])
    return PartnerShop(shop, world.partner["id"], world.link["id"], world.link["code"])


async def through_link(app: Any, client: Any, code: str) -> dict[str, str]:
    """A viewer's headers after clicking `/l/{code}`: their visitor and attribution cookies."""
    client.cookies.clear()
    clicked = await client.get(f"/l/{code}", headers=BROWSER, follow_redirects=False)
    client.cookies.clear()
    await app.state.click_flusher.drain()
    return {"Cookie": f"zx_vid={clicked.cookies['zx_vid']}; zx_attr={clicked.cookies['zx_attr']}"}


async def place(client: Any, shop: Shop, headers: dict[str, str], quantity: int = 1) -> dict[str, Any]:
    assert (await add_to_cart(client, shop, headers, quantity)).status_code == 200
    response = await checkout(client, shop, headers, body=CONTACT)
    assert response.status_code == 201, response.text
    return response.json()["order"]  # type: ignore[no-any-return]


async def pay(app: Any, client: Any, stripe: StripeTestServer, order: dict[str, Any], headers: dict[str, str]) -> None:
    """Confirm with the test card, hand localstripe's succeeded event to the webhook, deliver the events."""
    paid = await client.post(f"/api/v1/checkout/orders/{order['id']}/test-payment", headers=headers)
    assert paid.status_code == 202, paid.text
    order["payment_intent_id"] = paid.json()["payment_intent_id"]  # made on demand, as the Pay button does
    [succeeded] = [
        e for e in stripe_events(stripe, order["payment_intent_id"]) if e["type"] == "payment_intent.succeeded"
    ]
    response = await post_webhook(client, succeeded, WEBHOOK_SECRET)
    assert response.status_code == 200, response.text
    await app.state.dispatcher.drain()


async def paid_through_link(app: Any, client: Any, stripe: StripeTestServer, world: PartnerShop) -> dict[str, Any]:
    headers = await through_link(app, client, world.link_code)
    order = await place(client, world.shop, headers)
    await pay(app, client, stripe, order, headers)
    return order


async def paid_direct(app: Any, client: Any, stripe: StripeTestServer, shop: Shop) -> dict[str, Any]:
    headers = visitor()
    order = await place(client, shop, headers)
    await pay(app, client, stripe, order, headers)
    return order


async def brand_orders(client: Any, shop: Shop, **params: Any) -> Any:
    return await client.get(f"/api/v1/brands/{shop.brand_id}/orders", params=params, headers=auth(shop.token))
