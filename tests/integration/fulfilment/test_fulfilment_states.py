"""The order after payment: paid → (partially) shipped → delivered → completed, each step allowed
only from its state (409 with the reason otherwise), the automatic steps on the injected clock."""

from __future__ import annotations

from tests.database import outbox
from tests.factories import auth
from tests.factories_fulfilment import ask, bought, buyer_view, confirm, days_pass, ship


def problem(response, status):
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return response.json()


async def test_partial_shipments_then_buyer_delivery_then_completion(app, client, localstripe):
    # given a paid order of two units
    b = await bought(app, client, localstripe, quantity=2)
    # when the brand ships one unit, then the other in a second parcel
    first = await ship(client, b, quantity=1)
    assert first.status_code == 201, first.text
    assert (await buyer_view(client, b)).json()["fulfilment"] == "partially_shipped"
    assert (await ship(client, b)).status_code == 201  # no lines: every unit left
    view = (await buyer_view(client, b)).json()
    assert view["fulfilment"] == "shipped" and view["can_confirm_delivery"] is True
    assert [sum(x["quantity"] for x in p["lines"]) for p in view["parcels"]] == [1, 1]
    # and the buyer confirms receipt
    delivered = await confirm(client, b)
    assert delivered.status_code == 200 and delivered.json()["fulfilment"] == "delivered"
    # then it completes only once the 7-day return window has passed
    assert (await days_pass(app, 6.9)).completed == 0
    assert (await days_pass(app, 0.2)).completed == 1
    assert (await buyer_view(client, b)).json()["fulfilment"] == "completed"
    shipped = await outbox(app, "OrderShipped")
    assert [e["fulfilment"] for e in shipped] == ["partially_shipped", "shipped"]
    assert [e["by"] for e in await outbox(app, "OrderDelivered")] == ["buyer"]
    [done] = await outbox(app, "OrderCompleted")
    assert done["order_id"] == b.order["id"] and done["amount_minor"] == 20000 and done["refunded_minor"] == 0
    history = (await client.get(f"/api/v1/orders/{b.order['id']}", headers=auth(b.shop.token))).json()["history"]
    steps = [(h["from_state"], h["to_state"]) for h in history if h["data"].get("track") == "fulfilment"]
    assert steps == [
        ("unshipped", "partially_shipped"),
        ("partially_shipped", "shipped"),
        ("shipped", "delivered"),
        ("delivered", "completed"),
    ]


async def test_delivery_and_completion_happen_by_themselves_on_the_clock(app, client, localstripe):
    b = await bought(
        app, client, localstripe, quantity=1, brand_settings={"auto_delivery_days": 4, "return_window_days": 2}
    )
    await ship(client, b)
    assert (await days_pass(app, 3.9)).delivered == 0
    assert (await days_pass(app, 0.2)).delivered == 1
    assert [e["by"] for e in await outbox(app, "OrderDelivered")] == ["auto"]
    assert (await days_pass(app, 2.1)).completed == 1
    assert (await buyer_view(client, b)).json()["fulfilment"] == "completed"


async def test_an_open_aftersales_request_holds_completion_until_it_is_decided(app, client, localstripe):
    b = await bought(app, client, localstripe, quantity=1)
    await ship(client, b)
    await confirm(client, b)
    assert (await ask(client, b)).status_code == 201
    assert (await days_pass(app, 2.5)).completed == 0  # window open, request open
    assert (await days_pass(app, 5)).completed == 0  # window over, request still open (auto-approved: return waits)
    assert (await buyer_view(client, b)).json()["fulfilment"] == "delivered"


async def test_every_refused_step_is_a_409_with_the_reason(app, client, localstripe):
    b = await bought(app, client, localstripe, quantity=1)
    # delivery before shipping
    body = problem(await confirm(client, b), 409)
    assert body["from"] == "unshipped" and body["to"] == "delivered" and "may go to" in body["detail"]
    # shipping twice
    await ship(client, b)
    body = problem(await ship(client, b), 409)
    assert body["from"] == "shipped" and body["to"] == "shipped"
    # delivered twice
    await confirm(client, b)
    body = problem(await confirm(client, b), 409)
    assert body["from"] == "delivered" and "completed" in body["detail"]
    # a "refund only" after delivery (a return is the request for received goods)
    assert "delivered" in problem(await ask(client, b, kind="refund_only"), 409)["detail"]
    # nothing after completion
    await days_pass(app, 8)
    assert "over" in problem(await ask(client, b), 409)["detail"]
    assert problem(await confirm(client, b), 409)["from"] == "completed"


async def test_an_unpaid_or_refunded_order_never_ships(app, client, localstripe):
    b = await bought(app, client, localstripe, quantity=1)
    refunded = await client.post(f"/api/v1/orders/{b.order['id']}/refunds", json={}, headers=auth(b.shop.token))
    assert refunded.status_code == 201, refunded.text
    body = problem(await ship(client, b), 409)
    assert body["payment_state"] == "refunded" and "only a paid order" in body["detail"]
    assert (await buyer_view(client, b)).json()["parcels"] == []


async def test_bad_parcels_are_422_and_change_nothing(app, client, localstripe):
    b = await bought(app, client, localstripe, quantity=2)
    assert problem(await ship(client, b, quantity=3), 422)["errors"][0]["message"] == "at most 2"
    bad_line = {"carrier": "SF", "tracking_number": "SF1234567", "lines": [{"line_id": "orl_nope", "quantity": 1}]}
    problem(
        await client.post(f"/api/v1/orders/{b.order['id']}/parcels", json=bad_line, headers=auth(b.shop.token)), 422
    )
    bad_number = {"carrier": "SF", "tracking_number": "no spaces please"}
    problem(
        await client.post(f"/api/v1/orders/{b.order['id']}/parcels", json=bad_number, headers=auth(b.shop.token)), 422
    )
    await ship(client, b, quantity=1, number="SF7777777")
    assert problem(await ship(client, b, quantity=1, number="SF7777777"), 409)["type"].endswith("/tracking-number-used")
    view = (await buyer_view(client, b)).json()
    assert view["fulfilment"] == "partially_shipped" and len(view["parcels"]) == 1


async def test_another_brand_or_another_buyer_sees_nothing(app, client, localstripe):
    b = await bought(app, client, localstripe, quantity=1)
    other = await bought(app, client, localstripe, quantity=1)
    problem(await ship(client, b, token=other.shop.token), 404)
    theirs = await client.get(f"/api/v1/orders/{b.order['id']}/fulfilment", headers=auth(other.shop.token))
    problem(theirs, 404)
    stranger = await client.get(f"/api/v1/checkout/orders/{b.order['id']}/fulfilment", headers=other.buyer)
    problem(stranger, 404)
    problem(await client.post(f"/api/v1/checkout/orders/{b.order['id']}/delivery", headers=other.buyer), 404)
