"""A group's life through the API and localstripe: open → join → all pay (signed webhooks) →
filled; a lapsed seat goes back; time runs out → every paid seat refunded at Stripe, unpaid ones
closed, stock back, and no commission left for the partner who brought the buyers."""

from __future__ import annotations

import json

from server.kernel import clock
from tests.database import outbox
from tests.factories_checkout import make_shop, order_as_brand
from tests.factories_groupbuy import (
    balance,
    buyer,
    click,
    join_group,
    lineup_stock,
    make_offer,
    open_group,
    partner_link,
    pay_seat,
    refunds_at_stripe,
    sweep,
)


async def test_group_fills_when_every_seat_is_paid(app, client, localstripe):
    # given an offer: 2 buyers within 30 minutes at 50.00 instead of 99.00
    shop = await make_shop(app, client, stock=5, price_minor=9900)
    offer = await make_offer(client, shop, group_size=2, group_price_minor=5000)
    a, b = buyer(), buyer()
    # when A opens a group and B joins it by its code
    opened = await open_group(client, shop.session_id, offer["id"], a)
    assert opened.status_code == 201, opened.text
    seat_a = opened.json()
    group = seat_a["group"]
    assert (group["state"], group["seats_taken"], group["seats_paid"], group["group_size"]) == ("open", 1, 0, 2)
    assert group["share_path"] == f"/live/{shop.session_id}?group={group['code']}"
    assert seat_a["order"]["amount_minor"] == 5000 and seat_a["order"]["lines"][0]["unit_price_minor"] == 5000
    # the seat says how to pay; its PaymentIntent is made when A presses Pay, not while the seat is taken
    assert seat_a["order"]["payment_intent_id"] is None and seat_a["test_payments"]
    assert seat_a["payment"]["intent_url"] == f"/api/v1/checkout/orders/{seat_a['order']['id']}/payment-intent"
    assert (seat_a["payment"]["amount_minor"], seat_a["payment"]["currency"]) == (5000, "CNY")
    joined = await join_group(client, group["code"], b)
    assert joined.status_code == 201, joined.text
    seat_b = joined.json()
    assert seat_b["group"]["seats_taken"] == 2 and await lineup_stock(client, shop) == 3
    # and both pay; the first payment alone does not fill it
    await pay_seat(client, localstripe, seat_a["order"], a)
    await app.state.dispatcher.drain()
    assert (await client.get(f"/api/v1/groups/{group['code']}")).json()["seats_paid"] == 1
    await pay_seat(client, localstripe, seat_b["order"], b)
    await app.state.dispatcher.drain()
    # then the group is filled, announced to the room, and both orders proceed (paid, with a note)
    view = (await client.get(f"/api/v1/groups/{group['code']}")).json()
    assert (view["state"], view["seats_paid"], view["offer"]["groups"]["filled"]) == ("filled", 2, 1)
    filled = await outbox(app, "GroupFilled")
    assert [(e["code"], e["seats_paid"], e["state"]) for e in filled] == [(group["code"], 2, "filled")]
    said = [json.loads(m) for m in await app.state.liveroom.store.history_after(shop.session_id, 0)]
    to_room = [(m["event"], m["seats_taken"], m["seats_paid"], m["state"]) for m in said if m["type"] == "group"]
    assert to_room == [
        ("GroupOpened", 1, 0, "open"),
        ("GroupSeatsChanged", 2, 0, "open"),
        ("GroupSeatsChanged", 2, 1, "open"),
        ("GroupFilled", 2, 2, "filled"),
    ]
    for seat in (seat_a, seat_b):
        detail = await order_as_brand(client, shop, seat["order"]["id"])
        assert detail["state"] == "paid" and detail["history"][-1]["reason"] == "group_filled"
    # and a later sweep changes nothing
    clock.advance(31 * 60)
    report = await sweep(app, localstripe)
    assert report.expired == [] and report.refunded == []


async def test_expired_group_refunds_every_paid_seat_and_leaves_no_commission(app, client, localstripe):
    # given a group of 3 opened by a buyer who came through a partner's link
    shop = await make_shop(app, client, stock=5, price_minor=9900)
    # (5 minutes: shorter than an order's 10-minute hold, so C's order is still open when time runs out)
    offer = await make_offer(client, shop, group_size=3, window_minutes=5, group_price_minor=6000)
    partner_id, code = await partner_link(app, client, shop)
    _, attr_a = await click(client, f"/l/{code}", "visitor-a-0001")
    a = buyer("visitor-a-0001", attr_a)
    seat_a = (await open_group(client, shop.session_id, offer["id"], a, ref=code)).json()
    group = seat_a["group"]
    assert group["share_path"] == f"/l/{code}?group={group['code']}"
    # and B joins through the share link, C joins too; A and B pay, C does not
    _, attr_b = await click(client, group["share_path"], "visitor-b-0001")
    b, c = buyer("visitor-b-0001", attr_b), buyer()
    seat_b = (await join_group(client, group["code"], b)).json()
    seat_c = (await join_group(client, group["code"], c)).json()
    await pay_seat(client, localstripe, seat_a["order"], a)
    await pay_seat(client, localstripe, seat_b["order"], b)
    await app.state.dispatcher.drain()
    assert await balance(app, partner_id) == 1200  # 10 % of two paid seats, pending
    assert await lineup_stock(client, shop) == 2
    # when the window passes and the sweep runs
    clock.advance(6 * 60)
    report = await sweep(app, localstripe)
    await app.state.dispatcher.drain()
    # then the group expired, both payments were refunded in full at Stripe, C's order was closed
    paid_ids = {seat_a["order"]["id"], seat_b["order"]["id"]}
    assert report.expired == [group["code"]] and set(report.refunded) == paid_ids
    assert report.closed == [seat_c["order"]["id"]]
    for seat in (seat_a, seat_b):
        assert [r["amount"] for r in refunds_at_stripe(localstripe, seat["order"])] == [6000]
        detail = await order_as_brand(client, shop, seat["order"]["id"])
        assert (detail["state"], detail["refunded_minor"]) == ("refunded", 6000)
    assert (await order_as_brand(client, shop, seat_c["order"]["id"]))["state"] == "expired"
    assert await lineup_stock(client, shop) == 5
    assert (await client.get(f"/api/v1/groups/{group['code']}")).json()["state"] == "expired"
    assert [(e["code"], e["state"]) for e in await outbox(app, "GroupExpired")] == [(group["code"], "expired")]
    # and no commission remains for the partner (accrued, then reversed by OrderRefunded)
    assert await balance(app, partner_id) == 0
    assert len(await outbox(app, "OrderRefunded")) == 2
    # and running the expiry again refunds nothing twice
    again = await sweep(app, localstripe)
    assert again.refunded == [] and again.expired == []
    assert [len(refunds_at_stripe(localstripe, s["order"])) for s in (seat_a, seat_b)] == [1, 1]
    assert await lineup_stock(client, shop) == 5  # nothing restocked twice either
