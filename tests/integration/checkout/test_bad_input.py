"""Bad input at the cart, checkout and webhook: a clear 4xx and no change of state."""

from __future__ import annotations

from tests.database import outbox
from tests.factories import auth, make_sku
from tests.factories_checkout import CONTACT, add_to_cart, checkout, make_shop, post_webhook, visitor


async def stock_of(client, shop) -> int:
    lineup = (await client.get(f"/api/v1/sessions/{shop.session_id}/lineup", headers=auth(shop.token))).json()["items"]
    return lineup[0]["stock"]


async def test_quantity_must_be_positive_and_within_the_buyer_limit(app, client, localstripe):
    shop = await make_shop(app, client, stock=10, brand_settings={"per_buyer_limit_per_sku": 2})
    headers = visitor()
    for bad in (0, -1):
        response = await add_to_cart(client, shop, headers, bad)
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "quantity"
    over = await add_to_cart(client, shop, headers, 3)
    assert over.status_code == 422 and over.json()["type"].endswith("/buyer-limit-exceeded")
    assert (await add_to_cart(client, shop, headers, 2)).status_code == 200
    assert (await add_to_cart(client, shop, headers, 1)).status_code == 422  # 2 in the cart already
    cart = (await client.get(f"/api/v1/sessions/{shop.session_id}/cart", headers=headers)).json()
    assert cart["lines"][0]["quantity"] == 2


async def test_buyer_limit_counts_units_already_ordered(app, client, localstripe):
    shop = await make_shop(app, client, stock=10, brand_settings={"per_buyer_limit_per_sku": 2})
    headers = visitor()
    await add_to_cart(client, shop, headers, 2)
    assert (await checkout(client, shop, headers)).status_code == 201
    again = await add_to_cart(client, shop, headers, 1)
    assert again.status_code == 422 and again.json()["type"].endswith("/buyer-limit-exceeded")


async def test_sku_outside_the_line_up_is_refused(app, client, localstripe):
    shop = await make_shop(app, client)
    stray = await make_sku(client, shop.token, shop.brand_id)
    response = await client.post(
        f"/api/v1/sessions/{shop.session_id}/cart/items", json={"sku_id": stray["id"], "quantity": 1}, headers=visitor()
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "sku_id"


async def test_an_ended_session_no_longer_sells(app, client, localstripe):
    shop = await make_shop(app, client, stock=3)
    headers = visitor()
    await add_to_cart(client, shop, headers, 1)
    ended = await client.post(
        f"/api/v1/sessions/{shop.session_id}/state", json={"state": "ended"}, headers=auth(shop.token)
    )
    assert ended.status_code == 200
    late_cart = await add_to_cart(client, shop, headers, 1)
    late_checkout = await checkout(client, shop, headers)
    assert late_cart.status_code == late_checkout.status_code == 409
    assert late_checkout.json()["type"].endswith("/session-not-selling")
    assert await stock_of(client, shop) == 3


async def test_unknown_fields_such_as_a_coupon_are_422(app, client, localstripe):
    shop = await make_shop(app, client, stock=3)
    headers = visitor()
    cart = await add_to_cart(client, shop, headers, 1, coupon="FREE100")
    assert cart.status_code == 422 and cart.json()["errors"][0]["field"] == "coupon"
    await add_to_cart(client, shop, headers, 1)
    response = await checkout(client, shop, headers, body={**CONTACT, "coupon": "FREE100"})
    assert response.status_code == 422
    no_contact = await checkout(client, shop, headers, body={"contact": {"name": "x"}, "shipping_address": "a"})
    assert no_contact.status_code == 422
    no_key = await client.post(f"/api/v1/sessions/{shop.session_id}/checkout", json=CONTACT, headers=headers)
    assert no_key.status_code in (400, 422)
    assert await stock_of(client, shop) == 3


async def test_limited_live_quantity_is_enforced(app, client, localstripe):
    shop = await make_shop(app, client, stock=10, limited_quantity=2)
    # given a live quantity of 2 units (the brand has 10) and two carts holding one each
    first, second, third = visitor(), visitor(), visitor()
    for headers in (first, second, third):
        assert (await add_to_cart(client, shop, headers, 1)).status_code == 200
    # when three viewers check out
    results = [(await checkout(client, shop, headers)).status_code for headers in (first, second, third)]
    # then the third is told it is sold out, and only 2 units left the brand's stock
    assert results == [201, 201, 409]
    assert await stock_of(client, shop) == 8
    assert (await add_to_cart(client, shop, visitor(), 1)).json()["type"].endswith("/sold-out")


async def test_a_webhook_with_a_bad_signature_is_400_and_changes_nothing(app, client, localstripe):
    shop = await make_shop(app, client, stock=3)
    headers = visitor()
    await add_to_cart(client, shop, headers, 1)
    order = (await checkout(client, shop, headers)).json()["order"]
    intent = {
        "id": order["payment_intent_id"],
        "object": "payment_intent",
        "amount": order["amount_minor"],
        "currency": "cny",
        "status": "succeeded",
        "metadata": {"order_id": order["id"]},
    }
    event = {"id": "evt_forged", "type": "payment_intent.succeeded", "data": {"object": intent}}
    forged = await post_webhook(client, event, "whsec_not_the_real_one")
    unsigned = await client.post("/api/v1/payments/stripe/webhook", json=event)
    assert forged.status_code == unsigned.status_code == 400
    assert forged.json()["type"].endswith("/bad-signature")
    state = (await client.get(f"/api/v1/checkout/orders/{order['id']}", headers=headers)).json()["state"]
    assert state == "pending_payment" and await outbox(app, "OrderPaid") == []


async def test_a_second_sku_in_another_line_up_session_is_refused(app, client, localstripe):
    shop = await make_shop(app, client, stock=3)
    other = await make_shop(app, client, stock=3)
    response = await client.post(
        f"/api/v1/sessions/{shop.session_id}/cart/items",
        json={"sku_id": other.sku_id, "quantity": 1},
        headers=visitor(),
    )
    assert response.status_code == 422
    assert (await checkout(client, shop, visitor())).status_code == 422  # empty cart
