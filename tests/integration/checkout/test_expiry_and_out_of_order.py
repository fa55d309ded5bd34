"""Holds lapse and stock returns; failures release; webhooks out of order still end right."""

from __future__ import annotations

from broadcast.checkout.expiry import sweep
from server.kernel import clock
from tests.database import outbox
from tests.factories import auth
from tests.factories_checkout import add_to_cart, buy, checkout, intent_event, make_shop, post_webhook, visitor
from tests.stripe_gateway import gateway_of_this_loop
from tests.stripe_server import WEBHOOK_SECRET


class SaysCancelled:
    async def cancel_intent(self, intent_id: str) -> None:
        return None


def stripe_intent(localstripe, intent_id: str) -> dict:
    return localstripe.get(f"/v1/payment_intents/{intent_id}")


async def stock_of(client, shop) -> int:
    lineup = (await client.get(f"/api/v1/sessions/{shop.session_id}/lineup", headers=auth(shop.token))).json()["items"]
    return lineup[0]["stock"]


async def test_a_lapsed_hold_expires_on_read_and_its_units_return(app, client, localstripe):
    # given an unpaid order holding 2 of 5 units
    shop = await make_shop(app, client, stock=5)
    vid = "buyer-expire-0001"
    order = (await buy(client, shop, 2, vid))["order"]
    assert await stock_of(client, shop) == 3
    # when more than the reservation time passes and the buyer looks at the order
    clock.advance(11 * 60)
    seen = (await client.get(f"/api/v1/checkout/orders/{order['id']}", headers=visitor(vid))).json()
    # then it has expired, the units are back, the PaymentIntent is cancelled, personal data is gone
    assert seen["state"] == "expired"
    assert await stock_of(client, shop) == 5
    assert stripe_intent(localstripe, order["payment_intent_id"])["status"] == "canceled"
    detail = (await client.get(f"/api/v1/orders/{order['id']}", headers=auth(shop.token))).json()
    assert detail["contact_email"] is None and detail["shipping_address"] is None
    assert [h["reason"] for h in detail["history"]] == ["checkout", "reservation_lapsed"]
    assert (await outbox(app, "StockChanged"))[-1]["stock"] == 5


async def test_the_sweeper_expires_holds_nobody_reads(app, client, localstripe):
    shop = await make_shop(app, client, stock=4)
    for _ in range(3):
        await buy(client, shop, 1)
    clock.advance(11 * 60)
    expired = await sweep(app.state.sessionmaker, app.state.payment_gateway, 90)
    assert expired == 3 and await stock_of(client, shop) == 4
    assert await sweep(app.state.sessionmaker, app.state.payment_gateway, 90) == 0


async def test_a_failed_attempt_keeps_the_hold_until_it_lapses(app, client, localstripe):
    # given an order whose first attempt to pay failed (a declined card in the Payment Element)
    shop = await make_shop(app, client, stock=2)
    order = (await buy(client, shop, 2))["order"]
    intent = stripe_intent(localstripe, order["payment_intent_id"])
    declined = {**intent, "last_payment_error": {"code": "card_declined", "type": "card_error"}}
    response = await post_webhook(client, intent_event("payment_intent.payment_failed", declined), WEBHOOK_SECRET)
    # then the buyer may try again: the units stay held and the PaymentIntent stays usable
    assert response.json()["outcome"] == "attempt_failed"
    assert await stock_of(client, shop) == 0
    assert stripe_intent(localstripe, order["payment_intent_id"])["status"] != "canceled"
    detail = (await client.get(f"/api/v1/orders/{order['id']}", headers=auth(shop.token))).json()
    assert detail["state"] == "pending_payment" and detail["history"][-1]["reason"] == "payment_attempt_failed"
    # and when the hold lapses, the units return and the intent is cancelled
    clock.advance(11 * 60)
    assert await sweep(app.state.sessionmaker, app.state.payment_gateway, 90) == 1
    assert await stock_of(client, shop) == 2
    assert stripe_intent(localstripe, order["payment_intent_id"])["status"] == "canceled"


async def test_a_processing_payment_that_fails_releases_the_stock(app, client, localstripe):
    shop = await make_shop(app, client, stock=2)
    order = (await buy(client, shop, 2))["order"]
    intent = stripe_intent(localstripe, order["payment_intent_id"])
    await post_webhook(
        client, intent_event("payment_intent.processing", {**intent, "status": "processing"}), WEBHOOK_SECRET
    )
    response = await post_webhook(client, intent_event("payment_intent.payment_failed", intent), WEBHOOK_SECRET)
    assert response.json()["outcome"] == "released"
    assert await stock_of(client, shop) == 2
    assert stripe_intent(localstripe, order["payment_intent_id"])["status"] == "canceled"


async def test_a_failure_arriving_after_success_changes_nothing(app, client, localstripe):
    shop = await make_shop(app, client, stock=2)
    vid = "buyer-order-00001"
    order = (await buy(client, shop, 1, vid))["order"]
    await client.post(f"/api/v1/checkout/orders/{order['id']}/test-payment", headers=visitor(vid))
    intent = stripe_intent(localstripe, order["payment_intent_id"])
    ok = await post_webhook(client, intent_event("payment_intent.succeeded", intent), WEBHOOK_SECRET)
    late_failure = await post_webhook(client, intent_event("payment_intent.payment_failed", intent), WEBHOOK_SECRET)
    assert ok.json()["outcome"] == "paid" and late_failure.json()["outcome"] in ("ignored", "stale_failure")
    detail = (await client.get(f"/api/v1/orders/{order['id']}", headers=auth(shop.token))).json()
    assert detail["state"] == "paid" and await stock_of(client, shop) == 1


async def test_success_after_a_lapsed_hold_is_honoured_when_units_remain(app, client, localstripe):
    # given an order whose hold lapsed (units returned) while the buyer was paying
    shop = await make_shop(app, client, stock=3)
    order = (await buy(client, shop, 1))["order"]
    intent = stripe_intent(localstripe, order["payment_intent_id"])
    clock.advance(11 * 60)
    await sweep(app.state.sessionmaker, app.state.payment_gateway, 90)
    assert await stock_of(client, shop) == 3
    # when Stripe reports the payment after all
    paid = {**intent, "status": "succeeded"}
    response = await post_webhook(client, intent_event("payment_intent.succeeded", paid), WEBHOOK_SECRET)
    # then the units are taken again and the order is paid, with OrderPaid
    assert response.json()["outcome"] == "late_paid"
    assert await stock_of(client, shop) == 2 and len(await outbox(app, "OrderPaid")) == 1


async def test_success_after_a_lapsed_hold_is_refunded_when_sold_out(app, client, localstripe):
    # given a lapsed order whose unit went to another buyer meanwhile, paid at Stripe anyway
    shop = await make_shop(app, client, stock=1)
    vid = "buyer-late-000001"
    order = (await buy(client, shop, 1, vid))["order"]
    await client.post(f"/api/v1/checkout/orders/{order['id']}/test-payment", headers=visitor(vid))
    intent = stripe_intent(localstripe, order["payment_intent_id"])
    clock.advance(11 * 60)
    await sweep(app.state.sessionmaker, SaysCancelled(), 90)  # a provider that claimed the intent was cancelled
    await buy(client, shop, 1)
    assert await stock_of(client, shop) == 0
    # when the success arrives
    response = await post_webhook(client, intent_event("payment_intent.succeeded", intent), WEBHOOK_SECRET)
    # then nothing is oversold: the order stays expired and the money goes back at Stripe
    assert response.json()["outcome"] == "refund_needed"
    async with gateway_of_this_loop(app, localstripe.base_url):  # the refund is an outbox job (`late_refund`)
        await app.state.dispatcher.drain()
    detail = (await client.get(f"/api/v1/orders/{order['id']}", headers=auth(shop.token))).json()
    assert detail["state"] == "expired" and detail["history"][-1]["reason"] == "late_payment_refunded"
    refunds = localstripe.refunds_of(intent["id"])
    assert [r["amount"] for r in refunds] == [order["amount_minor"]]
    assert await stock_of(client, shop) == 0 and await outbox(app, "OrderPaid") == []


async def test_a_failure_delivered_before_the_later_success_is_recognised_as_stale(app, client, localstripe):
    # given an order paid at Stripe whose earlier failure event arrives first (events are not ordered)
    shop = await make_shop(app, client, stock=1)
    vid = "buyer-stale-00001"
    order = (await buy(client, shop, 1, vid))["order"]
    await client.post(f"/api/v1/checkout/orders/{order['id']}/test-payment", headers=visitor(vid))
    intent = stripe_intent(localstripe, order["payment_intent_id"])
    failed = {**intent, "status": "requires_payment_method"}
    # when the failure and then the success are delivered
    first = await post_webhook(client, intent_event("payment_intent.payment_failed", failed), WEBHOOK_SECRET)
    second = await post_webhook(client, intent_event("payment_intent.succeeded", intent), WEBHOOK_SECRET)
    # then the failure is checked against Stripe's current state and ignored; the order is paid once
    assert first.json()["outcome"] == "stale_failure" and second.json()["outcome"] == "paid"
    assert await stock_of(client, shop) == 0 and len(await outbox(app, "OrderPaid")) == 1


async def test_a_paid_order_keeps_personal_data_only_for_the_retention_period(app, client, localstripe):
    shop = await make_shop(app, client, stock=2)
    vid = "buyer-retain-0001"
    order = (await buy(client, shop, 1, vid))["order"]
    await client.post(f"/api/v1/checkout/orders/{order['id']}/test-payment", headers=visitor(vid))
    intent = stripe_intent(localstripe, order["payment_intent_id"])
    await post_webhook(client, intent_event("payment_intent.succeeded", intent), WEBHOOK_SECRET)
    await sweep(app.state.sessionmaker, None, 90)
    assert (await client.get(f"/api/v1/orders/{order['id']}", headers=auth(shop.token))).json()["contact_email"]
    clock.advance(91 * 86400)
    await sweep(app.state.sessionmaker, None, 90)
    detail = (await client.get(f"/api/v1/orders/{order['id']}", headers=auth(shop.token))).json()
    assert detail["contact_email"] is None and detail["personal_data_cleared_at"] and detail["state"] == "paid"


async def test_cart_checkout_of_an_empty_cart_is_422(app, client, localstripe):
    shop = await make_shop(app, client, stock=2)
    headers = visitor()
    await add_to_cart(client, shop, headers, 1)
    await client.delete(f"/api/v1/sessions/{shop.session_id}/cart/items/{shop.sku_id}", headers=headers)
    assert (await checkout(client, shop, headers)).status_code == 422
