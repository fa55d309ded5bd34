"""Stripe goes away in the middle of a checkout (a private localstripe, stopped and started again on
the same port): the buyer keeps the cart, the held units go back, and the same Idempotency-Key
checks out again once Stripe is back."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlmodel import select

from broadcast.checkout.models import Order, OrderState, StockCounter
from broadcast.models import Sku
from tests.app_settings import stripe_settings
from tests.factories import add_to_lineup, make_sku
from tests.factories_checkout import add_to_cart, checkout, make_shop, visitor
from tests.stripe_server import RestartableStripe


@pytest.fixture
def private_stripe(tmp_path: Path) -> Iterator[RestartableStripe]:
    stripe = RestartableStripe(tmp_path)
    yield stripe
    stripe.stop()


@pytest.fixture
def app(db_url: str, private_stripe: RestartableStripe) -> Litestar:
    from server.app import create_app

    return create_app(stripe_settings(db_url, private_stripe.server))


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app=app) as test_client:
        yield test_client


async def held_units(app: Litestar, sku_ids: list[str]) -> dict[str, tuple[int, int]]:
    """(SKU stock, units reserved in the session) per SKU, read from the database."""
    async with app.state.sessionmaker() as session:
        stocks = {s.id: s.stock for s in (await session.exec(select(Sku).where(Sku.id.in_(sku_ids)))).all()}  # type: ignore[attr-defined]
        counters = (await session.exec(select(StockCounter))).all()
    reserved = {c.sku_id: c.reserved_units for c in counters}
    return {sku: (stocks[sku], reserved.get(sku, 0)) for sku in sku_ids}


async def test_checkout_while_stripe_is_down_keeps_the_cart_and_retries_with_the_same_key(app, client, private_stripe):
    # given a buyer with two SKUs in the cart (2 + 1 units)
    shop = await make_shop(app, client, stock=5)
    other = await make_sku(client, shop.token, shop.brand_id, stock=4, price_minor=1500)
    await add_to_lineup(client, shop.token, shop.session_id, other["id"])
    headers = visitor()
    await add_to_cart(client, shop, headers, 2)
    response = await client.post(
        f"/api/v1/sessions/{shop.session_id}/cart/items", json={"sku_id": other["id"], "quantity": 1}, headers=headers
    )
    assert response.status_code == 200, response.text
    cart_before = (await client.get(f"/api/v1/sessions/{shop.session_id}/cart", headers=headers)).json()
    units_before = await held_units(app, [shop.sku_id, other["id"]])
    # when Stripe is stopped and the buyer checks out
    private_stripe.stop()
    failed = await checkout(client, shop, headers, key="outage-key-0001")
    # then a 503 problem with Retry-After, the cart exactly as before, the units back in stock
    assert failed.status_code == 503, failed.text
    assert failed.headers["content-type"].startswith("application/problem+json")
    assert failed.json()["type"].endswith("/payment-provider-unavailable") and failed.json()["cart_kept"] is True
    assert int(failed.headers["retry-after"]) > 0
    cart_after = (await client.get(f"/api/v1/sessions/{shop.session_id}/cart", headers=headers)).json()
    by_sku = lambda cart: sorted(cart["lines"], key=lambda line: line["sku_id"])  # noqa: E731
    assert by_sku(cart_after) == by_sku(cart_before) and cart_after["amount_minor"] == cart_before["amount_minor"]
    assert await held_units(app, [shop.sku_id, other["id"]]) == units_before
    # when Stripe is back and the buyer retries with the same key
    private_stripe.start()
    retried = await checkout(client, shop, headers, key="outage-key-0001")
    # then the checkout goes through: a pending order with a live PaymentIntent, units held once
    assert retried.status_code == 201, retried.text
    order = retried.json()["order"]
    assert order["state"] == "pending_payment" and order["amount_minor"] == 2 * 9900 + 1500
    intent = private_stripe.server.get(f"/v1/payment_intents/{order['payment_intent_id']}")
    assert intent["status"] == "requires_payment_method" and intent["metadata"] == {"order_id": order["id"]}
    assert retried.json()["client_secret"].startswith(intent["id"])
    assert await held_units(app, [shop.sku_id, other["id"]]) == {shop.sku_id: (3, 2), other["id"]: (3, 1)}
    cart_now = (await client.get(f"/api/v1/sessions/{shop.session_id}/cart", headers=headers)).json()
    assert cart_now["lines"] == []
    # and the failed attempt is kept as history, cancelled, under a key of its own
    async with app.state.sessionmaker() as session:
        orders = (await session.exec(select(Order).order_by(Order.created_at))).all()
    assert [o.state for o in orders] == [OrderState.CANCELLED, OrderState.PENDING_PAYMENT]
    assert orders[0].idempotency_key != "outage-key-0001" and orders[1].idempotency_key == "outage-key-0001"


async def test_a_retry_while_stripe_is_still_down_changes_nothing(app, client, private_stripe):
    # given a cart of 3 units and Stripe down
    shop = await make_shop(app, client, stock=5)
    headers = visitor()
    await add_to_cart(client, shop, headers, 3)
    private_stripe.stop()
    # when the buyer retries the same key three times
    answers = [await checkout(client, shop, headers, key="outage-key-0002") for _ in range(3)]
    # then every answer is the same 503, the cart still holds its 3 units and the stock is whole
    assert [a.status_code for a in answers] == [503, 503, 503]
    cart = (await client.get(f"/api/v1/sessions/{shop.session_id}/cart", headers=headers)).json()
    assert [(line["sku_id"], line["quantity"]) for line in cart["lines"]] == [(shop.sku_id, 3)]
    assert await held_units(app, [shop.sku_id]) == {shop.sku_id: (5, 0)}


async def test_the_checkout_page_carries_the_outage_message_in_both_languages(app, client):
    shop = await make_shop(app, client, stock=1)
    page = await client.get(f"/live/{shop.session_id}/checkout")
    assert page.status_code == 200
    assert 'id="provider-down"' in page.text
    assert "您的购物车已保留" in page.text and "Payment provider unavailable, your cart is kept" in page.text
    script = (await client.get("/static/checkout.js")).text
    assert "/payment-provider-unavailable" in script and "provider-down" in script


async def test_racing_retries_during_an_outage_never_double_the_cart_or_lose_units(postgres_db_url, tmp_path):
    # given (PostgreSQL, real row locks) a buyer with 2 units in the cart, and Stripe down
    from server.app import create_app

    stripe = RestartableStripe(tmp_path)
    app = create_app(stripe_settings(postgres_db_url, stripe.server))
    try:
        async with AsyncTestClient(app=app) as client:
            shop = await make_shop(app, client, stock=5)
            headers = visitor()
            await add_to_cart(client, shop, headers, 2)
            stripe.stop()
            # when six checkouts with the same key race each other
            answers = await asyncio.gather(*(checkout(client, shop, headers, key="race-key-00001") for _ in range(6)))
            # then none is a 500 or an order; the cart holds its 2 units once, and no unit is held
            statuses = [a.status_code for a in answers]
            assert set(statuses) <= {503, 422} and 503 in statuses, [a.text for a in answers]
            cart = (await client.get(f"/api/v1/sessions/{shop.session_id}/cart", headers=headers)).json()
            assert [(line["sku_id"], line["quantity"]) for line in cart["lines"]] == [(shop.sku_id, 2)]
            assert await held_units(app, [shop.sku_id]) == {shop.sku_id: (5, 0)}
            async with app.state.sessionmaker() as session:
                states = {o.state for o in (await session.exec(select(Order))).all()}
            assert states <= {OrderState.CANCELLED}
    finally:
        stripe.stop()
