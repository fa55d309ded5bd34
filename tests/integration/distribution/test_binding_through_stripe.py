"""Customer binding end to end: tracked link → cart → checkout → `payment_intent.succeeded` in
Stripe's own shape (`../shared/stripe/fixtures3.json`) → the `attribution` of `OrderPaid`. The
hijack (a partner types a victim's email at checkout on its own link) earns nothing on the
victim's later order; the billing email on the payment's charge does bind."""

from __future__ import annotations

import copy
import uuid
from typing import Any

import pytest

from server.devstripe.connect_server import load_fixtures
from server.payments.billing_email import billing_email
from server.settings import Settings
from tests.app_settings import stripe_settings
from tests.database import outbox
from tests.factories import make_token
from tests.factories_checkout import Shop, add_to_cart, checkout, make_shop, post_webhook
from tests.factories_distribution import approve, make_link, make_partner
from tests.stripe_server import WEBHOOK_SECRET, StripeTestServer

BROWSER = {"User-Agent": "Mozilla/5.0 (Linux; Android 14) Chrome/120 Mobile"}
VICTIM = "victim.buyer@example.com"


@pytest.fixture
def settings(postgres_db_url: str, localstripe: StripeTestServer) -> Settings:
    """PostgreSQL, with payments through the Stripe test server."""
    return stripe_settings(postgres_db_url, localstripe)


def stripe_resources() -> dict[str, Any]:
    try:
        return load_fixtures()
    except FileNotFoundError as exc:
        pytest.skip(str(exc))


def succeeded(order: dict[str, Any], billing: str | None = None) -> dict[str, Any]:
    """Stripe's published event and intent with our ids in; with `billing`, the published charge
    expanded in `latest_charge`, its `billing_details.email` set."""
    resources = stripe_resources()
    intent = copy.deepcopy(resources["payment_intent"])
    intent.update(
        id=order["payment_intent_id"],
        amount=order["amount_minor"],
        amount_received=order["amount_minor"],
        currency=order["currency"].lower(),
        status="succeeded",
        metadata={"order_id": order["id"]},
    )
    if billing is not None:
        charge = copy.deepcopy(resources["charge"])
        charge["billing_details"]["email"] = billing
        charge.update(payment_intent=intent["id"], status="succeeded", paid=True)
        intent["latest_charge"] = charge
    event = copy.deepcopy(resources["event"])
    event.update(id=f"evt_{uuid.uuid4().hex[:20]}", type="payment_intent.succeeded", data={"object": intent})
    return event


async def partner_link(app: Any, client: Any, shop: Shop) -> dict[str, Any]:
    admin = await make_token(app, "admin")
    partner = await make_partner(client, admin)
    token = await make_token(app, "partner", partner_id=partner["id"])
    await approve(client, token, partner["id"], shop.token, shop.brand_id)
    return await make_link(client, token, partner["id"], target="session", session_id=shop.session_id)


async def browser(client: Any, link: dict[str, Any] | None = None) -> dict[str, str]:
    """A fresh browser's Cookie header: after following `link`, or with a visitor id only."""
    client.cookies.clear()
    if link is None:
        return {"Cookie": f"zx_vid={uuid.uuid4().hex}"}
    response = await client.get(f"/l/{link['code']}", headers=BROWSER, follow_redirects=False)
    assert response.status_code == 302, response.text
    jar = {c.name: c.value for c in client.cookies.jar}
    client.cookies.clear()
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())}


async def pay(client: Any, shop: Shop, headers: dict[str, str], typed: str, billing: str | None = None) -> dict:
    """Buy one unit typing `typed` as the contact email; the payment succeeds with `billing`."""
    assert (await add_to_cart(client, shop, headers)).status_code == 200
    body = {"contact": {"name": "Buyer", "email": typed}, "shipping_address": "1 Nanjing Rd, Shanghai"}
    response = await checkout(client, shop, headers, body=body)
    assert response.status_code == 201, response.text
    order = response.json()["order"]
    pressed = await client.post(response.json()["payment"]["intent_url"], headers=headers)  # Pay: the intent
    assert pressed.status_code == 200, pressed.text
    order["payment_intent_id"] = pressed.json()["payment_intent_id"]
    paid = await post_webhook(client, succeeded(order, billing), WEBHOOK_SECRET)
    assert paid.status_code == 200 and paid.json()["outcome"] == "paid", paid.text
    [event] = [e for e in await outbox(client.app, "OrderPaid") if e["order_id"] == order["id"]]
    return event["attribution"]  # type: ignore[no-any-return]


async def test_the_binding_hijack_earns_nothing_on_the_victims_later_order(app, client, localstripe):
    # given a partner that follows its own link and pays typing the victim's email at checkout
    shop = await make_shop(app, client, stock=10)
    link = await partner_link(app, client, shop)
    hijack = await pay(client, shop, await browser(client, link), typed=VICTIM)
    assert hijack["partner_id"] == link["partner_id"]
    # when the victim later buys from their own browser, no link followed, typing their email
    later = await pay(client, shop, await browser(client), typed=VICTIM)
    # then the partner earns nothing on it
    assert later["rule"] == "none" and later["partner_id"] is None and later["earns"] is False


async def test_a_verified_billing_email_binds_the_buyer_to_the_partner(app, client, localstripe):
    # given a buyer who followed the partner's link and paid with a billing email
    shop = await make_shop(app, client, stock=10)
    link = await partner_link(app, client, shop)
    first = await pay(client, shop, await browser(client, link), typed="lin@example.com", billing="Lin.Chen@gmail.com")
    assert first["rule"] == "last_click"
    # when they buy again on another device, no link followed, the same mailbox on the payment
    again = await pay(client, shop, await browser(client), typed="x@example.com", billing="linchen+2@googlemail.com")
    # then the partner earns on it by binding
    assert again["rule"] == "binding" and again["partner_id"] == link["partner_id"] and again["earns"] is True


def test_the_billing_email_is_read_from_stripes_charge_shapes():
    resources = stripe_resources()
    charge = copy.deepcopy(resources["charge"])
    assert billing_email({**resources["payment_intent"], "latest_charge": charge}) is None  # published: null
    charge["billing_details"]["email"] = "ann@example.com"
    assert billing_email({"latest_charge": charge}) == "ann@example.com"
    assert billing_email({"latest_charge": "ch_123"}) is None  # an id only: nothing to read
    legacy = {"latest_charge": None, "charges": {"data": [{"billing_details": {}, "receipt_email": "r@example.com"}]}}
    assert billing_email(legacy) == "r@example.com"
