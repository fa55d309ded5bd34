"""Stripe goes away during a flash sale (a private localstripe, stopped and started again on the
same port). Checkout does not call Stripe (deferred intent), so the buyer still gets the order and
its units; pressing Pay answers 503 with Retry-After while Stripe is down, the order keeps its hold,
and Pay works once Stripe is back — one PaymentIntent however many retries raced."""

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
from tests.factories_checkout import add_to_cart, checkout, make_shop, start_paying, visitor
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


async def test_checkout_while_stripe_is_down_still_holds_the_units_and_pay_waits_for_stripe(
    app, client, private_stripe
):
    # given a buyer with two SKUs in the cart (2 + 1 units), and Stripe down
    shop = await make_shop(app, client, stock=5)
    other = await make_sku(client, shop.token, shop.brand_id, stock=4, price_minor=1500)
    await add_to_lineup(client, shop.token, shop.session_id, other["id"])
    headers = visitor()
    await add_to_cart(client, shop, headers, 2)
    response = await client.post(
        f"/api/v1/sessions/{shop.session_id}/cart/items", json={"sku_id": other["id"], "quantity": 1}, headers=headers
    )
    assert response.status_code == 200, response.text
    private_stripe.stop()
    # when the buyer checks out: the order and its units, Stripe not needed
    placed = await checkout(client, shop, headers, key="outage-key-0001")
    assert placed.status_code == 201, placed.text
    order = placed.json()["order"]
    assert order["state"] == "pending_payment" and order["amount_minor"] == 2 * 9900 + 1500
    assert await held_units(app, [shop.sku_id, other["id"]]) == {shop.sku_id: (3, 2), other["id"]: (3, 1)}
    # when they press Pay while Stripe is still down
    failed = await client.post(placed.json()["payment"]["intent_url"], headers=headers)
    # then a 503 problem with Retry-After; the order still holds its units
    assert failed.status_code == 503, failed.text
    assert failed.headers["content-type"].startswith("application/problem+json")
    assert failed.json()["type"].endswith("/payment-provider-unavailable")
    assert int(failed.headers["retry-after"]) > 0
    assert await held_units(app, [shop.sku_id, other["id"]]) == {shop.sku_id: (3, 2), other["id"]: (3, 1)}
    # when Stripe is back and they press Pay again
    private_stripe.start()
    paying = await start_paying(client, placed.json(), headers)
    # then the order has a live PaymentIntent for its amount, and is still the one order
    intent = private_stripe.server.get(f"/v1/payment_intents/{paying['order']['payment_intent_id']}")
    assert intent["status"] == "requires_payment_method" and intent["metadata"] == {"order_id": order["id"]}
    assert intent["amount"] == order["amount_minor"] and paying["client_secret"].startswith(intent["id"])
    async with app.state.sessionmaker() as session:
        orders = (await session.exec(select(Order))).all()
    assert [(o.id, o.state) for o in orders] == [(order["id"], OrderState.PENDING_PAYMENT)]


async def test_a_retry_while_stripe_is_still_down_changes_nothing(app, client, private_stripe):
    # given an order of 3 units, and Stripe down
    shop = await make_shop(app, client, stock=5)
    headers = visitor()
    await add_to_cart(client, shop, headers, 3)
    placed = (await checkout(client, shop, headers, key="outage-key-0002")).json()
    private_stripe.stop()
    # when the buyer presses Pay three times
    answers = [await client.post(placed["payment"]["intent_url"], headers=headers) for _ in range(3)]
    # then every answer is the same 503 and the order still holds its 3 units, with no intent
    assert [a.status_code for a in answers] == [503, 503, 503]
    assert await held_units(app, [shop.sku_id]) == {shop.sku_id: (2, 3)}
    async with app.state.sessionmaker() as session:
        [stored] = (await session.exec(select(Order))).all()
    assert stored.state == OrderState.PENDING_PAYMENT and stored.payment_intent_id is None


async def test_the_checkout_page_carries_the_outage_message_in_either_language(app, client):
    shop = await make_shop(app, client, stock=1)
    page = await client.get(f"/live/{shop.session_id}/checkout")
    assert page.status_code == 200
    assert 'id="provider-down"' in page.text
    # in the reader's language: the page's English, the Chinese from the page's string table by key
    assert (
        'data-i18n="provider_down"' in page.text
        and "Payment provider unavailable, your items stay reserved" in page.text
    )
    strings = (await client.get("/static/checkout_strings.js")).text
    assert "商品仍为您保留" in strings and "provider_down" in strings
    script = (await client.get("/static/checkout.js")).text
    assert "/payment-provider-unavailable" in script and "provider-down" in script


async def test_racing_pay_presses_make_one_intent(postgres_db_url, tmp_path):
    # given (PostgreSQL, real row locks) an order, and Stripe down while the buyer hammers Pay
    from server.app import create_app

    stripe = RestartableStripe(tmp_path)
    app = create_app(stripe_settings(postgres_db_url, stripe.server))
    try:
        async with AsyncTestClient(app=app) as client:
            shop = await make_shop(app, client, stock=5)
            headers = visitor()
            await add_to_cart(client, shop, headers, 2)
            placed = (await checkout(client, shop, headers, key="race-key-00001")).json()
            url = placed["payment"]["intent_url"]
            stripe.stop()
            down = await asyncio.gather(*(client.post(url, headers=headers) for _ in range(6)))
            assert {a.status_code for a in down} == {503}, [a.text for a in down]
            # when Stripe is back and six presses race
            stripe.start()
            answers = await asyncio.gather(*(client.post(url, headers=headers) for _ in range(6)))
            # then all six name the same PaymentIntent, the one the order stores; the units are held once
            assert {a.status_code for a in answers} == {200}, [a.text for a in answers]
            assert len({a.json()["payment_intent_id"] for a in answers}) == 1
            async with app.state.sessionmaker() as session:
                [stored] = (await session.exec(select(Order))).all()
            assert stored.payment_intent_id == answers[0].json()["payment_intent_id"]
            assert await held_units(app, [shop.sku_id]) == {shop.sku_id: (3, 2)}
    finally:
        stripe.stop()
