"""Checkout factories: a brand selling one SKU in a live session, carts, checkouts, signed webhooks."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

import stripe

from tests.factories import add_to_lineup, auth, go_live, make_brand, make_session, make_sku, make_token

CONTACT = {"contact": {"name": "Lin", "email": "lin@example.com"}, "shipping_address": "1 Nanjing Rd, Shanghai"}


@dataclass
class Shop:
    brand_id: str
    token: str
    session_id: str
    sku_id: str


async def make_shop(
    app: Any,
    client: Any,
    *,
    stock: int = 10,
    price_minor: int = 9900,
    live_price_minor: int | None = None,
    limited_quantity: int | None = None,
    brand_settings: dict[str, Any] | None = None,
    live: bool = True,
) -> Shop:
    admin = await make_token(app, "admin")
    brand = await make_brand(client, admin, **({"settings": brand_settings} if brand_settings else {}))
    token = await make_token(app, "brand", brand_id=brand["id"])
    sku = await make_sku(client, token, brand["id"], stock=stock, price_minor=price_minor)
    session = await make_session(client, token, brand["id"])
    await add_to_lineup(
        client, token, session["id"], sku["id"], live_price_minor=live_price_minor, limited_quantity=limited_quantity
    )
    if live:
        await go_live(client, token, session["id"])
    return Shop(brand["id"], token, session["id"], sku["id"])


def visitor(vid: str | None = None) -> dict[str, str]:
    return {"Cookie": f"zx_vid={vid or uuid.uuid4().hex}"}


async def add_to_cart(client: Any, shop: Shop, headers: dict[str, str], quantity: int = 1, **extra: Any) -> Any:
    body = {"sku_id": shop.sku_id, "quantity": quantity, **extra}
    return await client.post(f"/api/v1/sessions/{shop.session_id}/cart/items", json=body, headers=headers)


async def checkout(
    client: Any, shop: Shop, headers: dict[str, str], key: str | None = None, body: dict[str, Any] | None = None
) -> Any:
    return await client.post(
        f"/api/v1/sessions/{shop.session_id}/checkout",
        json=body or CONTACT,
        headers={**headers, "Idempotency-Key": key or uuid.uuid4().hex},
    )


async def buy(client: Any, shop: Shop, quantity: int = 1, vid: str | None = None) -> dict[str, Any]:
    """Cart, checkout, and Pay pressed: the checkout's answer with the PaymentIntent it then got
    (`order.payment_intent_id`, `client_secret`), as a buyer's page has it before confirming."""
    headers = visitor(vid)
    response = await add_to_cart(client, shop, headers, quantity)
    assert response.status_code == 200, response.text
    response = await checkout(client, shop, headers)
    assert response.status_code == 201, response.text
    return await start_paying(client, response.json(), headers)


async def start_paying(client: Any, placed: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    """What the Pay button does first: POST the order's `payment.intent_url` (deferred intent)."""
    response = await client.post(placed["payment"]["intent_url"], headers=headers)
    assert response.status_code == 200, response.text
    intent = response.json()
    order = {**placed["order"], "payment_intent_id": intent["payment_intent_id"]}
    return {**placed, "order": order, "client_secret": intent["client_secret"]}


async def order_as_brand(client: Any, shop: Shop, order_id: str) -> dict[str, Any]:
    response = await client.get(f"/api/v1/orders/{order_id}", headers=auth(shop.token))
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def intent_event(event_type: str, intent: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
    return {
        "id": event_id or f"evt_{uuid.uuid4().hex[:24]}",
        "object": "event",
        "type": event_type,
        "created": int(time.time()),
        "data": {"object": intent},
        "livemode": False,
        "api_version": None,
    }


def signed(event: dict[str, Any], secret: str) -> tuple[bytes, dict[str, str]]:
    """Sign like Stripe does (`t=…,v1=HMAC-SHA256(secret, "t.payload")`), with the SDK's own code."""
    payload = json.dumps(event).encode()
    stamp = int(time.time())
    signature = stripe.WebhookSignature._compute_signature(f"{stamp}.{payload.decode()}", secret)
    return payload, {"Stripe-Signature": f"t={stamp},v1={signature}", "Content-Type": "application/json"}


async def post_webhook(client: Any, event: dict[str, Any], secret: str) -> Any:
    payload, headers = signed(event, secret)
    return await client.post("/api/v1/payments/stripe/webhook", content=payload, headers=headers)
