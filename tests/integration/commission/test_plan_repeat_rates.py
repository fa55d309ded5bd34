"""A plan's repeat-purchase rate on a bound customer's 2nd, 5th and 11th order through the same
partner, whether the orders arrive one by one or in one batch."""

from __future__ import annotations

from datetime import timedelta

from server.kernel.clock import utcnow
from tests.factories import auth, make_brand, make_sku, make_token
from tests.factories_commission import emit_events, make_partner, order_paid_payload

REPEAT = {"repeat_rate_bps": 800, "repeat_decay_bps": 100, "repeat_floor_bps": 300, "repeat_max_orders": 10}


async def test_the_2nd_5th_and_11th_orders_earn_the_repeat_rate_its_decay_and_nothing(client, app):
    # given an open plan at 10 %, repeat orders 8 % less 1 % per order, floor 3 %, up to the 10th
    admin = await make_token(app, "admin")
    brand = await make_brand(client, admin)
    token = await make_token(app, "brand", brand_id=brand["id"])
    h, sku = auth(token), (await make_sku(client, token, brand["id"]))["id"]
    partner = await make_partner(app, brand_id=brand["id"])
    plan = {"kind": "open", "sku_id": sku, "rate_bps": 1000, **REPEAT}
    created = await client.post(f"/api/v1/brands/{brand['id']}/plans", json=plan, headers=h)
    assert created.status_code == 201, created.text
    # when one buyer pays eleven orders through the partner: two alone, then nine in one batch
    start = utcnow()
    orders = [
        {
            **order_paid_payload(brand["id"], [(sku, 10000)], partner_id=partner, paid_at=start + timedelta(minutes=n)),
            "visitor_id": "buyer-1",
        }
        for n in range(11)
    ]
    await emit_events(app, ("OrderPaid", orders[0]))
    await emit_events(app, ("OrderPaid", orders[1]))
    await emit_events(app, *[("OrderPaid", o) for o in reversed(orders[2:])])
    # then the 1st earns 10 %, the 2nd 8 %, the 5th 5 %, the 11th nothing, each naming the plan
    earned = []
    for order in orders:
        response = await client.get(f"/api/v1/orders/{order['order_id']}/commission", headers=h)
        earned.append(response.json()["partner_minor"])
    assert earned == [1000, 800, 700, 600, 500, 400, 300, 300, 300, 300, 0]
    other = {**order_paid_payload(brand["id"], [(sku, 10000)], partner_id=partner), "visitor_id": "buyer-2"}
    await emit_events(app, ("OrderPaid", other))
    response = await client.get(f"/api/v1/orders/{other['order_id']}/commission", headers=h)
    assert response.json()["partner_minor"] == 1000  # another buyer's first order
