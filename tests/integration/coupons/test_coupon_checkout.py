"""Checkout applies a claimed coupon: the order and its lines carry the discount, the buyer pays the
discounted amount at localstripe, and the partner's commission is on what was paid, not the list
price. An unpaid order that expires gives the claim back; retries never apply a coupon twice."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from broadcast.checkout.expiry import sweep
from server.kernel import clock
from server.kernel.money import apply_rate
from tests.database import outbox
from tests.factories import add_to_lineup, auth, go_live, make_sku
from tests.factories_checkout import (
    CONTACT,
    Shop,
    add_to_cart,
    checkout,
    intent_event,
    make_shop,
    post_webhook,
    start_paying,
    visitor,
)
from tests.factories_coupons import claim, coupon_rows, dropped_coupon
from tests.factories_distribution import api_world
from tests.integration.checkout.test_buy_and_pay import pay_and_deliver
from tests.integration.checkout.test_expiry_and_out_of_order import SaysCancelled
from tests.stripe_gateway import gateway_of_this_loop
from tests.stripe_server import WEBHOOK_SECRET

BROWSER = {"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) AppleWebKit/605.1.15 MicroMessenger/8.0"}
PROBLEMS = "https://zhixiang.dev/problems/"


def with_coupon(claim_id: str) -> dict:
    return {**CONTACT, "coupon_claim_id": claim_id}


async def _claimed(client, shop: Shop, headers: dict, **coupon_fields) -> str:
    coupon = await dropped_coupon(client, shop, **coupon_fields)
    response = await claim(client, shop.session_id, coupon["id"], headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _arrive_through_partner_link(app, client) -> tuple[Shop, dict, dict]:
    """A partner's session link (brand default rate 10 %) clicked by a viewer; returns its cookies."""
    world = await api_world(app, client)
    sku = await make_sku(client, world.brand_token, world.brand["id"], price_minor=10000, stock=5)
    other = await make_sku(client, world.brand_token, world.brand["id"], price_minor=3000, stock=5)
    for item in (sku, other):
        await add_to_lineup(client, world.brand_token, world.session["id"], item["id"])
    await go_live(client, world.brand_token, world.session["id"])
    client.cookies.clear()
    clicked = await client.get(f"/l/{world.link['code']}", headers=BROWSER, follow_redirects=False)
    client.cookies.clear()
    await app.state.click_flusher.drain()
    cookies = {"Cookie": f"zx_vid={clicked.cookies['zx_vid']}; zx_attr={clicked.cookies['zx_attr']}"}
    shop = Shop(world.brand["id"], world.brand_token, world.session["id"], sku["id"])
    return shop, cookies, {"partner_id": world.partner["id"], "other_sku": other["id"]}


async def test_discounted_order_is_paid_and_commission_is_on_the_paid_amount(app, client, localstripe):
    # given a viewer who came through a partner's link and claimed 20 % off SKU A (min spend 150.00 on A)
    shop, headers, world = await _arrive_through_partner_link(app, client)
    claim_id = await _claimed(client, shop, headers, percent_off_bps=2000, min_spend_minor=15000, sku_ids=[shop.sku_id])
    # when they buy 2 × A (100.00) and 1 × B (30.00) with the coupon
    assert (await add_to_cart(client, shop, headers, 2)).status_code == 200
    response = await client.post(
        f"/api/v1/sessions/{shop.session_id}/cart/items",
        json={"sku_id": world["other_sku"], "quantity": 1},
        headers=headers,
    )
    assert response.status_code == 200
    placed = await checkout(client, shop, headers, body=with_coupon(claim_id))
    # then 20 % of A's 200.00 is off A's line only; the order is 190.00 and Stripe is asked for that
    assert placed.status_code == 201, placed.text
    order = (await start_paying(client, placed.json(), headers))["order"]
    assert (order["amount_minor"], order["discount_minor"], order["coupon_claim_id"]) == (19000, 4000, claim_id)
    lines = {line["sku_id"]: line for line in order["lines"]}
    assert (
        lines[shop.sku_id]["unit_price_minor"],
        lines[shop.sku_id]["discount_minor"],
        lines[shop.sku_id]["amount_minor"],
    ) == (10000, 4000, 16000)
    assert (lines[world["other_sku"]]["discount_minor"], lines[world["other_sku"]]["amount_minor"]) == (0, 3000)
    assert sum(line["discount_minor"] for line in order["lines"]) == order["discount_minor"]
    assert localstripe.get(f"/v1/payment_intents/{order['payment_intent_id']}")["amount"] == 19000
    # when it is paid through localstripe and the signed webhook, and the events are delivered
    await pay_and_deliver(app, client, localstripe, order, headers)
    await app.state.dispatcher.drain()
    # then OrderPaid carries what the buyer paid, and the partner earns 10 % of 190.00, not of 230.00
    [paid] = await outbox(app, "OrderPaid")
    assert paid["amount_minor"] == 19000 and sum(x["amount_minor"] for x in paid["lines"]) == 19000
    split = (await client.get(f"/api/v1/orders/{order['id']}/commission", headers=auth(shop.token))).json()
    assert split["partner_id"] == world["partner_id"] and split["amount_minor"] == 19000
    assert split["partner_minor"] == apply_rate(19000, 1000) == 1900
    # and the claim is used by that order
    assert ("used", order["id"]) in {(state, oid) for _, state, oid in (await coupon_rows(app))["claims"]}


async def test_an_expired_unpaid_order_gives_the_claim_back_and_a_late_payment_cannot_reuse_it(
    app, client, localstripe
):
    # given an order placed with a 10.00-off coupon, paid at Stripe but not yet confirmed to us
    shop = await make_shop(app, client, price_minor=9900)
    headers = visitor()
    claim_id = await _claimed(client, shop, headers)
    await add_to_cart(client, shop, headers, 1)
    placed = (await checkout(client, shop, headers, body=with_coupon(claim_id))).json()
    order = (await start_paying(client, placed, headers))["order"]
    assert (order["amount_minor"], order["discount_minor"]) == (8900, 1000)
    assert (await client.get(f"/api/v1/sessions/{shop.session_id}/coupon-claims", headers=headers)).json()[
        "items"
    ] == []
    await client.post(f"/api/v1/checkout/orders/{order['id']}/test-payment", headers=headers)
    # when its hold lapses (the sweeper's provider says the intent is cancelled)
    clock.advance(11 * 60)
    assert await sweep(app.state.sessionmaker, SaysCancelled(), 90) == 1
    clock.reset()
    # then the claim is the buyer's again, and a new order uses it
    await add_to_cart(client, shop, headers, 1)
    wallet = (await client.get(f"/api/v1/sessions/{shop.session_id}/coupon-claims", headers=headers)).json()
    assert [(w["claim_id"], w["discount_minor"]) for w in wallet["items"]] == [(claim_id, 1000)]
    again = (await checkout(client, shop, headers, body=with_coupon(claim_id))).json()["order"]
    assert again["discount_minor"] == 1000
    # and when the first order's payment arrives late, it is refunded rather than using the claim twice
    intent = localstripe.get(f"/v1/payment_intents/{order['payment_intent_id']}")
    late = await post_webhook(client, intent_event("payment_intent.succeeded", intent), WEBHOOK_SECRET)
    assert late.json()["outcome"] == "refund_needed"
    async with gateway_of_this_loop(app, localstripe.base_url):  # the refund is an outbox job (`late_refund`)
        await app.state.dispatcher.drain()
    assert [r["amount"] for r in localstripe.refunds_of(intent["id"])] == [8900]
    assert ("used", again["id"]) in {(state, oid) for _, state, oid in (await coupon_rows(app))["claims"]}


async def test_a_retried_checkout_applies_the_coupon_once_and_a_used_claim_is_refused(app, client, localstripe):
    shop = await make_shop(app, client, price_minor=9900, stock=5)
    headers = visitor()
    claim_id = await _claimed(client, shop, headers)
    await add_to_cart(client, shop, headers, 1)
    key = uuid.uuid4().hex
    # when the same checkout is sent twice
    first = await checkout(client, shop, headers, key=key, body=with_coupon(claim_id))
    second = await checkout(client, shop, headers, key=key, body=with_coupon(claim_id))
    # then it is one order, discounted once
    assert first.json()["order"]["id"] == second.json()["order"]["id"]
    assert second.json()["order"]["amount_minor"] == 8900
    # and a new cart checked out with the same (now used) claim is refused, changing nothing
    await add_to_cart(client, shop, headers, 1)
    before = await _orders_and_claims(app)
    reused = await checkout(client, shop, headers, body=with_coupon(claim_id))
    assert reused.status_code == 409 and reused.json()["type"] == PROBLEMS + "coupon-claim-not-usable"
    assert await _orders_and_claims(app) == before


async def test_bad_coupon_checkouts_are_refused_and_change_nothing(app, client, localstripe):
    # given a viewer with a cart of 99.00 and a claim needing 200.00 of spend, and someone else's claim
    shop = await make_shop(app, client, price_minor=9900, stock=5)
    headers, stranger = visitor(), visitor()
    needs_more = await _claimed(client, shop, headers, min_spend_minor=20000)
    theirs = await _claimed(client, shop, stranger)
    await add_to_cart(client, shop, headers, 1)
    before = await _orders_and_claims(app)
    cases = [(needs_more, 422, "coupon-not-applicable"), (theirs, 404, "not-found"), ("cpc_nope", 404, "not-found")]
    for claim_id, status, slug in cases:
        # when they check out with it
        response = await checkout(client, shop, headers, body=with_coupon(claim_id))
        # then it is refused with a stable type, and no order, no stock move, no claim change
        assert (response.status_code, response.json()["type"]) == (status, PROBLEMS + slug), response.text
        assert await _orders_and_claims(app) == before
    # and a deactivated coupon's claim can no longer be used
    coupon = await dropped_coupon(client, shop)
    usable = (await claim(client, shop.session_id, coupon["id"], headers)).json()["id"]
    await client.post(f"/api/v1/coupons/{coupon['id']}/deactivate", headers=auth(shop.token))
    before = await _orders_and_claims(app)
    response = await checkout(client, shop, headers, body=with_coupon(usable))
    assert (response.status_code, response.json()["type"]) == (409, PROBLEMS + "coupon-inactive")
    assert await _orders_and_claims(app) == before


async def _orders_and_claims(app) -> tuple:
    async with app.state.engine.connect() as conn:
        orders = (await conn.execute(sa.text("SELECT id, amount_minor, discount_minor FROM orders ORDER BY id"))).all()
        stock = (await conn.execute(sa.text("SELECT id, stock FROM skus ORDER BY id"))).all()
        carts = (await conn.execute(sa.text("SELECT id, quantity FROM cart_items ORDER BY id"))).all()
    rows = await coupon_rows(app)
    return [tuple(r) for r in orders], [tuple(r) for r in stock], [tuple(r) for r in carts], rows["claims"]
