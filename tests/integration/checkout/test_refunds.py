"""Brand refunds through Stripe (localstripe): partial, full, never more than was paid."""

from __future__ import annotations

from tests.database import outbox
from tests.factories import auth, make_token
from tests.factories_checkout import buy, make_shop, visitor
from tests.integration.checkout.test_buy_and_pay import pay_and_deliver


async def paid_order(app, client, localstripe, price_minor=10000):
    shop = await make_shop(app, client, stock=5, price_minor=price_minor)
    vid = "buyer-0000000001"
    order = (await buy(client, shop, 1, vid))["order"]
    await pay_and_deliver(app, client, localstripe, order, visitor(vid))
    return shop, order


def refund_url(order):
    return f"/api/v1/orders/{order['id']}/refunds"


async def test_partial_then_full_refund_follow_stripe(app, client, localstripe):
    # given a paid order of 100.00
    shop, order = await paid_order(app, client, localstripe)
    # when the brand refunds 30.00 and then the rest
    first = await client.post(
        refund_url(order), json={"amount_minor": 3000, "reason": "damaged"}, headers=auth(shop.token)
    )
    rest = await client.post(refund_url(order), json={}, headers=auth(shop.token))
    # then Stripe holds both refunds and the order follows Stripe's answers
    assert first.status_code == 201, first.text
    assert first.json()["state"] == "succeeded" and first.json()["order_state"] == "partially_refunded"
    assert rest.json()["amount_minor"] == 7000 and rest.json()["order_state"] == "refunded"
    at_stripe = localstripe.refunds_of(order["payment_intent_id"])
    assert sorted(r["amount"] for r in at_stripe) == [3000, 7000]
    events = await outbox(app, "OrderRefunded")
    assert [(e["amount_minor"], e["refunded_total_minor"], e["order_amount_minor"]) for e in events] == [
        (3000, 3000, 10000),
        (7000, 10000, 10000),
    ]
    assert set(events[0]) == {
        "order_id",
        "refund_id",
        "brand_id",
        "session_id",
        "currency",
        "amount_minor",
        "refunded_total_minor",
        "order_amount_minor",
        "refunded_at",
    }


async def test_refund_above_the_remaining_amount_is_refused_and_changes_nothing(app, client, localstripe):
    # given a paid order of 100.00 with 60.00 refunded (localstripe itself would accept any amount)
    shop, order = await paid_order(app, client, localstripe)
    await client.post(refund_url(order), json={"amount_minor": 6000}, headers=auth(shop.token))
    # when the brand asks for 40.01
    response = await client.post(refund_url(order), json={"amount_minor": 4001}, headers=auth(shop.token))
    # then it is a clear 422, nothing reached Stripe, and the order still shows 60.00 refunded
    assert response.status_code == 422
    assert response.json()["type"].endswith("/refund-exceeds-remaining") and response.json()["remaining_minor"] == 4000
    detail = (await client.get(f"/api/v1/orders/{order['id']}", headers=auth(shop.token))).json()
    assert detail["refunded_minor"] == 6000 and detail["state"] == "partially_refunded"
    at_stripe = localstripe.refunds_of(order["payment_intent_id"])
    assert [r["amount"] for r in at_stripe] == [6000]


async def test_refund_retry_with_the_same_key_refunds_once(app, client, localstripe):
    shop, order = await paid_order(app, client, localstripe)
    headers = {**auth(shop.token), "Idempotency-Key": "refund-key-0001"}
    first = await client.post(refund_url(order), json={"amount_minor": 2500}, headers=headers)
    again = await client.post(refund_url(order), json={"amount_minor": 2500}, headers=headers)
    assert first.json()["id"] == again.json()["id"]
    assert again.json()["order_refunded_minor"] == 2500
    assert len(await outbox(app, "OrderRefunded")) == 1


async def test_refunds_are_tenant_checked_and_need_a_paid_order(app, client, localstripe):
    shop, order = await paid_order(app, client, localstripe)
    other = await make_shop(app, client, stock=1)
    other_brand = other.token
    finance = await make_token(app, "finance")
    assert (await client.post(refund_url(order), json={}, headers=auth(other_brand))).status_code == 404
    assert (await client.post(refund_url(order), json={}, headers=auth(finance))).status_code == 403
    unpaid = (await buy(client, shop, 1))["order"]
    response = await client.post(refund_url(unpaid), json={}, headers=auth(shop.token))
    assert response.status_code == 409
    assert (await client.post(refund_url(order), json={"amount_minor": 0}, headers=auth(shop.token))).status_code == 422
