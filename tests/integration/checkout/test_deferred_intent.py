"""Stripe's deferred-intent flow: checkout holds the units with no call to Stripe; the PaymentIntent
is made when the buyer presses Pay (`POST /api/v1/checkout/orders/{id}/payment-intent`), once per
order, only while the order waits for payment, and never left able to take money for a closed order."""

from __future__ import annotations

import pytest

from broadcast.checkout.expiry import expire_if_due, sweep
from broadcast.checkout.intents import IntentService, OrderNotPayable
from broadcast.checkout.models import Order
from server.kernel import clock
from tests.factories import auth
from tests.factories_checkout import add_to_cart, buy, checkout, make_shop, post_webhook, visitor
from tests.integration.checkout.test_stripe_shapes import stripe_event
from tests.stripe_gateway import gateway_of_this_loop
from tests.stripe_server import WEBHOOK_SECRET


async def placed(client, shop, vid: str, quantity: int = 1) -> dict:
    """Cart and checkout only: the order holds its units, Pay not pressed yet."""
    headers = visitor(vid)
    assert (await add_to_cart(client, shop, headers, quantity)).status_code == 200
    response = await checkout(client, shop, headers)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def intents_for(localstripe, order_id: str) -> list[dict]:
    made = localstripe.get("/v1/payment_intents", limit="100")["data"]
    return [i for i in made if i["metadata"].get("order_id") == order_id]


async def stock_of(client, shop) -> int:
    lineup = (await client.get(f"/api/v1/sessions/{shop.session_id}/lineup", headers=auth(shop.token))).json()["items"]
    return int(lineup[0]["stock"])


async def test_pay_makes_one_intent_for_the_order_and_a_retry_gets_the_same(app, client, localstripe):
    # given an order placed without any call to Stripe
    shop = await make_shop(app, client, stock=5, price_minor=4200)
    body = await placed(client, shop, "buyer-deferred-0001", 3)
    order = body["order"]
    assert intents_for(localstripe, order["id"]) == []
    # when the buyer presses Pay twice (a double click, a retry after a lost answer)
    url = body["payment"]["intent_url"]
    first = await client.post(url, headers=visitor("buyer-deferred-0001"))
    second = await client.post(url, headers=visitor("buyer-deferred-0001"))
    # then one PaymentIntent exists, for the order's amount and currency, and both answers name it
    assert first.status_code == second.status_code == 200, first.text
    assert first.json() == second.json()
    [intent] = intents_for(localstripe, order["id"])
    assert (intent["amount"], intent["currency"], intent["status"]) == (12600, "cny", "requires_payment_method")
    assert first.json()["payment_intent_id"] == intent["id"]
    assert first.json()["client_secret"].startswith(f"{intent['id']}_secret_")
    seen = (await client.get(f"/api/v1/checkout/orders/{order['id']}", headers=visitor("buyer-deferred-0001"))).json()
    assert seen["payment_intent_id"] == intent["id"] and seen["state"] == "pending_payment"


async def test_only_the_buyer_may_ask_for_the_intent(app, client, localstripe):
    shop = await make_shop(app, client, stock=5)
    body = await placed(client, shop, "buyer-deferred-0002")
    stranger = await client.post(body["payment"]["intent_url"], headers=visitor("someone-else-0002"))
    assert stranger.status_code == 404 and stranger.headers["content-type"].startswith("application/problem+json")
    assert intents_for(localstripe, body["order"]["id"]) == []


async def test_no_intent_for_an_expired_order(app, client, localstripe):
    shop = await make_shop(app, client, stock=5)
    body = await placed(client, shop, "buyer-deferred-0003", 2)
    # when the hold lapses before the buyer presses Pay
    clock.advance(11 * 60)
    response = await client.post(body["payment"]["intent_url"], headers=visitor("buyer-deferred-0003"))
    # then a 409 problem says why, the order expired on the way, its units are back, and Stripe has nothing
    assert response.status_code == 409, response.text
    problem = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    assert problem["type"].endswith("/order-not-payable") and problem["state"] == "expired"
    assert await stock_of(client, shop) == 5
    assert intents_for(localstripe, body["order"]["id"]) == []


async def test_no_intent_for_a_paid_or_cancelled_order(app, client, localstripe):
    shop = await make_shop(app, client, stock=5)
    paid = (await buy(client, shop, 1, "buyer-deferred-0004"))["order"]
    done = await post_webhook(client, stripe_event("payment_intent.succeeded", paid, "succeeded"), WEBHOOK_SECRET)
    assert done.json()["outcome"] == "paid", done.text
    failed = (await buy(client, shop, 1, "buyer-deferred-0005"))["order"]
    await post_webhook(client, stripe_event("payment_intent.canceled", failed, "canceled"), WEBHOOK_SECRET)
    for order, vid, state in ((paid, "buyer-deferred-0004", "paid"), (failed, "buyer-deferred-0005", "cancelled")):
        url = f"/api/v1/checkout/orders/{order['id']}/payment-intent"
        response = await client.post(url, headers=visitor(vid))
        assert response.status_code == 409 and response.json()["state"] == state, response.text
        assert len(intents_for(localstripe, order["id"])) == 1  # the one it had, no new one


async def test_an_order_without_an_intent_expires_without_stripe(app, client, localstripe):
    # given an order nobody pressed Pay for
    shop = await make_shop(app, client, stock=5)
    order = (await placed(client, shop, "buyer-deferred-0006", 2))["order"]
    clock.advance(11 * 60)
    # when the sweeper runs with no payment gateway at all
    expired = await sweep(app.state.sessionmaker, None, 30)
    # then it expired all the same (there was no intent to cancel) and the units are back
    assert expired == 1 and await stock_of(client, shop) == 5
    detail = (await client.get(f"/api/v1/orders/{order['id']}", headers=auth(shop.token))).json()
    assert detail["state"] == "expired" and detail["payment_intent_id"] is None


class ClosesMeanwhile:
    """The real gateway, but the order's hold lapses (and the sweeper expires it) while Stripe answers."""

    def __init__(self, real, maker, order_id: str) -> None:
        self.real, self.maker, self.order_id = real, maker, order_id
        self.test_payments = real.test_payments

    def __getattr__(self, name: str):
        return getattr(self.real, name)

    async def create_intent(self, order_id: str, amount_minor: int, currency: str):
        intent = await self.real.create_intent(order_id, amount_minor, currency)
        clock.advance(11 * 60)
        async with self.maker() as session:
            assert await expire_if_due(session, self.order_id, None)
        return intent


async def test_an_intent_made_for_an_order_that_closed_meanwhile_is_cancelled(app, client, localstripe):
    shop = await make_shop(app, client, stock=5)
    order = (await placed(client, shop, "buyer-deferred-0007"))["order"]
    async with gateway_of_this_loop(app, localstripe.base_url) as real, app.state.sessionmaker() as session:
        gateway = ClosesMeanwhile(real, app.state.sessionmaker, order["id"])
        with pytest.raises(OrderNotPayable) as refused:
            await IntentService(session, gateway).for_buyer(order["id"], "buyer-deferred-0007")
    assert refused.value.extra == {"state": "expired"}
    [intent] = intents_for(localstripe, order["id"])
    assert intent["status"] == "canceled"
    async with app.state.sessionmaker() as session:
        stored = await session.get(Order, order["id"])
        assert stored is not None and stored.payment_intent_id is None and stored.state == "expired"


async def test_the_test_card_shortcut_makes_the_intent_on_demand(app, client, localstripe):
    shop = await make_shop(app, client, stock=5)
    body = await placed(client, shop, "buyer-deferred-0008")
    paid = await client.post(body["payment"]["test_payment_url"], headers=visitor("buyer-deferred-0008"))
    assert paid.status_code == 202 and paid.json()["status"] == "succeeded", paid.text
    [intent] = intents_for(localstripe, body["order"]["id"])
    assert paid.json()["payment_intent_id"] == intent["id"] and intent["status"] == "succeeded"
