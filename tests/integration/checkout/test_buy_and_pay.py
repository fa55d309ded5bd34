"""A viewer buys through the API and pays at localstripe; the webhook marks the order paid."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout import stock
from tests.database import outbox
from tests.factories import auth
from tests.factories_checkout import (
    add_to_cart,
    buy,
    checkout,
    make_shop,
    order_as_brand,
    post_webhook,
    start_paying,
    visitor,
)
from tests.stripe_server import WEBHOOK_SECRET, stripe_events


async def pay_and_deliver(app, client, localstripe, order: dict, headers: dict) -> dict:
    """Confirm with the test card, then hand localstripe's own succeeded event to the webhook."""
    paid = await client.post(f"/api/v1/checkout/orders/{order['id']}/test-payment", headers=headers)
    assert paid.status_code == 202, paid.text
    assert paid.json()["status"] == "succeeded"
    events = stripe_events(localstripe, order["payment_intent_id"])
    succeeded = [e for e in events if e["type"] == "payment_intent.succeeded"]
    assert len(succeeded) == 1
    response = await post_webhook(client, succeeded[0], WEBHOOK_SECRET)
    assert response.status_code == 200, response.text
    return succeeded[0]


async def test_viewer_buys_at_the_live_price_and_pays(app, client, localstripe):
    # given a live session selling a SKU listed at 99.00 for a live price of 79.00
    shop = await make_shop(app, client, stock=5, price_minor=9900, live_price_minor=7900)
    headers = visitor()
    # when the viewer adds 2 (sending a bogus price and currency) and checks out
    cart = await add_to_cart(client, shop, headers, 2, price_minor=1, currency="usd")
    assert cart.status_code == 200 and cart.json()["amount_minor"] == 15800
    response = await checkout(client, shop, headers, key="key-happy-0001")
    # then the order is at the server's price and the units are held, with no PaymentIntent yet:
    # the answer says how to pay (the Payment Element renders from amount and currency)
    assert response.status_code == 201, response.text
    placed = response.json()
    order = placed["order"]
    assert order["state"] == "pending_payment" and order["amount_minor"] == 15800 and order["currency"] == "CNY"
    assert order["payment_intent_id"] is None and "client_secret" not in placed and placed["test_payments"] is True
    assert placed["payment"] == {
        "intent_url": f"/api/v1/checkout/orders/{order['id']}/payment-intent",
        "amount_minor": 15800,
        "currency": "CNY",
        "test_payment_url": f"/api/v1/checkout/orders/{order['id']}/test-payment",
    }
    made = localstripe.get("/v1/payment_intents", limit="100")["data"]
    assert all(i["metadata"].get("order_id") != order["id"] for i in made)  # Stripe was not called
    lineup = (await client.get(f"/api/v1/sessions/{shop.session_id}/lineup", headers=auth(shop.token))).json()["items"]
    assert lineup[0]["stock"] == 3
    # when the buyer presses Pay: the PaymentIntent is made now, once, for the order's amount
    body = await start_paying(client, placed, headers)
    order = body["order"]
    assert body["client_secret"].startswith(f"{order['payment_intent_id']}_secret_")
    again = (await client.post(placed["payment"]["intent_url"], headers=headers)).json()
    assert (again["payment_intent_id"], again["client_secret"]) == (order["payment_intent_id"], body["client_secret"])
    at_stripe = localstripe.get(f"/v1/payment_intents/{order['payment_intent_id']}")
    assert (at_stripe["amount"], at_stripe["currency"], at_stripe["metadata"]) == (
        15800,
        "cny",
        {"order_id": order["id"]},
    )
    # when it is paid and Stripe's webhook arrives
    await pay_and_deliver(app, client, localstripe, order, headers)
    # then the order is paid, with its history, and OrderPaid carries the contract's fields
    detail = await order_as_brand(client, shop, order["id"])
    assert detail["state"] == "paid" and detail["paid_at"]
    assert [h["to_state"] for h in detail["history"]] == ["pending_payment", "paid"]
    paid_events = await outbox(app, "OrderPaid")
    assert len(paid_events) == 1
    event = paid_events[0]
    assert event["order_id"] == order["id"] and event["amount_minor"] == 15800 and event["currency"] == "CNY"
    assert event["lines"] == [{"sku_id": shop.sku_id, "quantity": 2, "unit_price_minor": 7900, "amount_minor": 15800}]
    assert event["attribution"]["rule"] == "none" and event["visitor_id"] == headers["Cookie"].split("=")[1]
    stock_events = await outbox(app, "StockChanged")
    assert stock_events[-1] == {"session_id": shop.session_id, "sku_id": shop.sku_id, "stock": 3, "sold": 2}


async def test_retried_checkout_returns_the_same_order(app, client, localstripe):
    shop = await make_shop(app, client, stock=5)
    headers = visitor()
    await add_to_cart(client, shop, headers, 1)
    first = await checkout(client, shop, headers, key="retry-key-0001")
    second = await checkout(client, shop, headers, key="retry-key-0001")
    assert first.status_code == second.status_code == 201
    assert first.json()["order"]["id"] == second.json()["order"]["id"]
    assert first.json()["payment"] == second.json()["payment"]
    lineup = (await client.get(f"/api/v1/sessions/{shop.session_id}/lineup", headers=auth(shop.token))).json()["items"]
    assert lineup[0]["stock"] == 4  # held once, not twice


async def test_webhook_is_applied_exactly_once(app, client, localstripe):
    # given a paid order whose succeeded event was delivered
    shop = await make_shop(app, client, stock=5)
    headers = visitor()
    order = (await buy(client, shop, 1, headers["Cookie"].split("=")[1]))["order"]
    event = await pay_and_deliver(app, client, localstripe, order, headers)
    # when Stripe delivers the very same event again, and a second succeeded event with a new id
    again = await post_webhook(client, event, WEBHOOK_SECRET)
    other = await post_webhook(client, {**event, "id": event["id"] + "x"}, WEBHOOK_SECRET)
    # then nothing changes: one OrderPaid, one sale
    assert again.json()["outcome"] == "duplicate" and other.json()["outcome"] == "already_applied"
    assert len(await outbox(app, "OrderPaid")) == 1
    assert (await outbox(app, "StockChanged"))[-1]["sold"] == 1


async def test_checkout_without_stripe_key_is_a_clear_503(app, client, localstripe):
    app.state.payment_gateway = None  # as when STRIPE_API_KEY is unset
    shop = await make_shop(app, client, stock=5)
    headers = visitor()
    await add_to_cart(client, shop, headers, 1)
    response = await checkout(client, shop, headers)
    assert response.status_code == 503
    assert "payments disabled: set STRIPE_API_KEY" in response.json()["detail"]
    lineup = (await client.get(f"/api/v1/sessions/{shop.session_id}/lineup", headers=auth(shop.token))).json()["items"]
    assert lineup[0]["stock"] == 5


async def test_the_stock_announced_at_checkout_is_what_the_tables_then_say(app, client, localstripe):
    """The level a reservation announces comes back from its own UPDATEs (no read under the SKU's
    lock): with a live quantity below the stock, after each checkout it must equal a fresh read."""
    shop = await make_shop(app, client, stock=10, limited_quantity=4)
    for quantity, expected in ((1, (3, 1)), (2, (1, 3))):
        buyer = visitor()
        assert (await add_to_cart(client, shop, buyer, quantity=quantity)).status_code in (200, 201)
        assert (await checkout(client, shop, buyer)).status_code == 201
        announced = (await outbox(app, "StockChanged"))[-1]
        async with AsyncSession(app.state.engine) as session:
            read = await stock.level(session, shop.session_id, shop.sku_id)
        assert (announced["stock"], read.held) == (read.available, expected[1])
        assert (announced["stock"], read.held) == expected
        assert announced["sold"] == read.sold == 0
