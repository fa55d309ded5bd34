"""After-sales (售后): refund only and return-and-refund, approved or refused by the brand, refunded
through the one refund path (Stripe, OrderRefunded), auto-approved when the brand lets it lie."""

from __future__ import annotations

from tests.database import outbox
from tests.factories import auth
from tests.factories_fulfilment import ask, bought, buyer_view, confirm, days_pass, decide, received, ship
from tests.integration.fulfilment.test_fulfilment_states import problem


async def test_refund_only_before_shipping_refunds_the_units_and_they_never_ship(app, client, localstripe):
    # given a paid order of two units at 100.00
    b = await bought(app, client, localstripe, quantity=2)
    # when the buyer asks for one unit's refund before shipping and the brand approves
    asked = await ask(client, b, kind="refund_only", quantity=1, reason="changed my mind")
    assert asked.status_code == 201, asked.text
    assert asked.json()["amount_minor"] == 10000 and asked.json()["state"] == "requested"
    decided = await decide(client, b, asked.json()["id"], decision="approve")
    # then it is refunded at Stripe through the refund path, and only the other unit ships
    assert decided.status_code == 200, decided.text
    assert decided.json()["state"] == "refunded" and decided.json()["refund_id"]
    assert [r["amount"] for r in localstripe.refunds_of(b.order["payment_intent_id"])] == [10000]
    assert [e["amount_minor"] for e in await outbox(app, "OrderRefunded")] == [10000]
    parcel = (await ship(client, b)).json()
    assert parcel["lines"][0]["quantity"] == 1
    view = (await buyer_view(client, b)).json()
    assert view["state"] == "partially_refunded" and view["fulfilment"] == "shipped"


async def test_a_return_is_refunded_when_the_brand_confirms_receipt(app, client, localstripe):
    b = await bought(app, client, localstripe, quantity=2)
    await ship(client, b)
    await confirm(client, b)
    asked = (await ask(client, b, quantity=1)).json()
    # a return needs an address: none given and none in the brand's settings
    body = problem(await decide(client, b, asked["id"], decision="approve"), 422)
    assert body["errors"][0]["field"] == "return_address"
    approved = await decide(client, b, asked["id"], decision="approve", return_address="Returns, 9 Huaihai Rd")
    assert approved.json()["state"] == "approved" and approved.json()["return_address"] == "Returns, 9 Huaihai Rd"
    assert localstripe.refunds_of(b.order["payment_intent_id"]) == []  # not before the goods are back
    done = await received(client, b, asked["id"])
    assert done.status_code == 200 and done.json()["state"] == "refunded"
    assert [r["amount"] for r in localstripe.refunds_of(b.order["payment_intent_id"])] == [10000]
    decided = await outbox(app, "AftersaleDecided")
    assert [(e["decision"], e["by"]) for e in decided] == [
        ("approved", "brand"),
        ("received", "brand"),
        ("refunded", "brand"),
    ]
    history = (await client.get(f"/api/v1/orders/{b.order['id']}", headers=auth(b.shop.token))).json()["history"]
    assert [h["reason"] for h in history if h["data"].get("track") == "aftersale"] == [
        "aftersale_requested",
        "aftersale_approved",
        "aftersale_received",
        "aftersale_refunded",
    ]
    # and a retry of the receipt is refused, refunding nothing twice
    assert problem(await received(client, b, asked["id"]), 409)["from"] == "refunded"
    assert len(localstripe.refunds_of(b.order["payment_intent_id"])) == 1


async def test_a_refusal_needs_a_reason_and_frees_the_order_for_another_request(app, client, localstripe):
    b = await bought(app, client, localstripe, quantity=1)
    asked = (await ask(client, b, kind="refund_only")).json()
    assert problem(await ask(client, b, kind="refund_only"), 409)["type"].endswith("/aftersale-open")
    assert problem(await decide(client, b, asked["id"], decision="refuse"), 422)["errors"][0]["field"] == "reason"
    refused = await decide(client, b, asked["id"], decision="refuse", reason="already packed")
    assert refused.json()["state"] == "refused" and refused.json()["refusal_reason"] == "already packed"
    assert problem(await decide(client, b, asked["id"], decision="approve"), 409)["from"] == "refused"
    assert (await ask(client, b, kind="refund_only")).status_code == 201
    assert localstripe.refunds_of(b.order["payment_intent_id"]) == []


async def test_a_request_the_brand_ignores_is_approved_and_refunded_by_the_sweeper(app, client, localstripe):
    b = await bought(app, client, localstripe, quantity=1, brand_settings={"aftersale_auto_approve_days": 2})
    asked = (await ask(client, b, kind="refund_only")).json()
    assert (await days_pass(app, 1.9)).approved == 0
    result = await days_pass(app, 0.2)
    assert (result.approved, result.refunded) == (1, 1)
    [request] = (await buyer_view(client, b)).json()["aftersales"]
    assert request["id"] == asked["id"] and request["state"] == "refunded"
    assert [(e["decision"], e["by"]) for e in await outbox(app, "AftersaleDecided")] == [
        ("approved", "auto"),
        ("refunded", "auto"),
    ]
    assert (await buyer_view(client, b)).json()["state"] == "refunded"


async def test_requests_are_checked_and_tenant_bound(app, client, localstripe):
    b = await bought(app, client, localstripe, quantity=1)
    other = await bought(app, client, localstripe, quantity=1)
    assert problem(await ask(client, b, kind="refund_only", quantity=2), 422)["errors"][0]["message"] == "at most 1"
    assert problem(await ask(client, b, kind="return_refund"), 409)["fulfilment"] == "unshipped"
    asked = (await ask(client, b, kind="refund_only")).json()
    problem(await decide(client, other, asked["id"], decision="approve"), 404)
    stranger = {"kind": "refund_only", "reason": "x", "lines": [{"line_id": b.line_id, "quantity": 1}]}
    problem(
        await client.post(f"/api/v1/checkout/orders/{b.order['id']}/aftersales", json=stranger, headers=other.buyer),
        404,
    )
    theirs = await client.get(f"/api/v1/brands/{other.shop.brand_id}/aftersales", headers=auth(other.shop.token))
    assert theirs.json()["items"] == []
    mine = await client.get(f"/api/v1/brands/{b.shop.brand_id}/aftersales", headers=auth(b.shop.token))
    assert [a["id"] for a in mine.json()["items"]] == [asked["id"]]
    problem(await client.get(f"/api/v1/brands/{b.shop.brand_id}/aftersales", headers=auth(other.shop.token)), 404)


async def test_refunding_the_units_left_to_ship_of_a_partly_shipped_order_makes_it_shipped(app, client, localstripe):
    # given two units, one shipped
    b = await bought(app, client, localstripe, quantity=2)
    await ship(client, b, quantity=1)
    # when the buyer asks for the other one's refund instead, and the brand approves
    asked = (await ask(client, b, kind="refund_only", quantity=1)).json()
    assert (await decide(client, b, asked["id"], decision="approve")).json()["state"] == "refunded"
    # then nothing is left to ship: the order is shipped and heads for delivery
    view = (await buyer_view(client, b)).json()
    assert (view["fulfilment"], view["state"], view["can_confirm_delivery"]) == ("shipped", "partially_refunded", True)
    assert problem(await ship(client, b), 409)["from"] == "shipped"
