"""The marketing box at checkout, end to end through Stripe's webhook: unticked by default, the
tick travels on the order into `OrderPaid`, and the buyer's profile is keyed by the billing email's
keyed hash (never the email itself)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select

from distribution.buyers.models import BuyerProfile
from server.settings import Settings
from tests.app_settings import stripe_settings
from tests.database import outbox
from tests.factories_checkout import add_to_cart, checkout, make_shop, post_webhook
from tests.integration.distribution.test_binding_through_stripe import browser, succeeded
from tests.stripe_server import WEBHOOK_SECRET, StripeTestServer


@pytest.fixture
def settings(postgres_db_url: str, localstripe: StripeTestServer) -> Settings:
    return stripe_settings(postgres_db_url, localstripe)


async def pay(client: Any, shop: Any, consent: bool | None, billing: str) -> dict[str, Any]:
    headers = await browser(client)
    assert (await add_to_cart(client, shop, headers)).status_code == 200
    body: dict[str, Any] = {"contact": {"email": "typed@example.com"}, "shipping_address": "1 Nanjing Rd"}
    if consent is not None:
        body["marketing_consent"] = consent
    placed = await checkout(client, shop, headers, body=body)
    assert placed.status_code == 201, placed.text
    order = placed.json()["order"]
    pressed = await client.post(placed.json()["payment"]["intent_url"], headers=headers)
    order["payment_intent_id"] = pressed.json()["payment_intent_id"]
    answer = await post_webhook(client, succeeded(order, billing), WEBHOOK_SECRET)
    assert answer.status_code == 200 and answer.json()["outcome"] == "paid", answer.text
    [event] = [e for e in await outbox(client.app, "OrderPaid") if e["order_id"] == order["id"]]
    return event


async def test_the_ticked_box_reaches_the_buyers_profile_and_an_untouched_one_gives_nothing(app, client, localstripe):
    # given a shop
    shop = await make_shop(app, client, stock=10)
    # when one buyer leaves the box as it is and another ticks it
    silent = await pay(client, shop, None, billing="quiet@example.com")
    ticked = await pay(client, shop, True, billing="Keen@Example.com")
    await app.state.dispatcher.drain()
    # then only the tick is consent, and the keys are keyed hashes of the billing emails
    assert silent["marketing_consent"] is False and ticked["marketing_consent"] is True
    assert ticked["buyer_key"].startswith("h1-email:") and "keen" not in ticked["buyer_key"]
    async with app.state.sessionmaker() as session:
        rows = (await session.exec(select(BuyerProfile).where(BuyerProfile.brand_id == shop.brand_id))).all()
    consent = {row.buyer_key: (row.marketing_consent, row.orders_count) for row in rows}
    assert consent == {silent["buyer_key"]: (False, 1), ticked["buyer_key"]: (True, 1)}


async def test_the_box_must_be_a_boolean(app, client, localstripe):
    shop = await make_shop(app, client, stock=10)
    headers = await browser(client)
    await add_to_cart(client, shop, headers)
    body = {"contact": {"email": "a@example.com"}, "shipping_address": "x", "marketing_consent": "maybe"}
    answer = await checkout(client, shop, headers, body=body)
    assert answer.status_code in (400, 422) and answer.headers["content-type"].startswith("application/problem+json")
