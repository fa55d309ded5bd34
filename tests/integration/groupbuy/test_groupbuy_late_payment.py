"""A group-buy seat paid after its hold lapsed and its unit was sold to someone else is refunded
automatically, once, as a checkout order is (`server/payments/late_refund.py`): the order stays
expired, its history says so, and Stripe's own refund events for that refund change nothing."""

from __future__ import annotations

from sqlmodel import select

from broadcast.checkout.models import Refund
from broadcast.groupbuy.sweep import expire_due_groups
from server.kernel import clock
from tests.database import outbox
from tests.factories_checkout import buy, make_shop, order_as_brand, post_webhook
from tests.factories_groupbuy import buyer, make_offer, open_group
from tests.factories_refunds import event, refund_object
from tests.stripe_gateway import gateway_of_this_loop
from tests.stripe_server import WEBHOOK_SECRET, stripe_events


class SaysCancelled:
    """A provider that claimed the seat's intent was cancelled (so Stripe can still take the money)."""

    async def cancel_intent(self, intent_id: str) -> None:
        return None


async def test_a_late_paid_seat_whose_unit_was_sold_is_refunded_once(app, client, localstripe):
    # given a seat holding the session's only unit, paid at Stripe but its webhook not yet here
    shop = await make_shop(app, client, stock=1)
    offer = await make_offer(client, shop, group_size=2, window_minutes=60)
    a = buyer()
    seat = (await open_group(client, shop.session_id, offer["id"], a)).json()["order"]
    paid = await client.post(f"/api/v1/checkout/orders/{seat['id']}/test-payment", headers=a)
    assert paid.status_code == 202, paid.text
    intent_id = (await order_as_brand(client, shop, seat["id"]))["payment_intent_id"]  # made at Pay (deferred)
    assert intent_id
    # and its hold lapsed meanwhile, and the unit was bought by someone else
    clock.advance(11 * 60)
    await expire_due_groups(app.state.sessionmaker, SaysCancelled())
    assert (await order_as_brand(client, shop, seat["id"]))["state"] == "expired"
    await buy(client, shop, 1)
    # when Stripe's payment_intent.succeeded arrives, twice (a second event id)
    succeeded = [e for e in stripe_events(localstripe, intent_id) if e["type"].endswith("succeeded")]
    first = await post_webhook(client, succeeded[0], WEBHOOK_SECRET)
    again = await post_webhook(client, {**succeeded[0], "id": "evt_seat_late_again"}, WEBHOOK_SECRET)
    async with gateway_of_this_loop(app, localstripe.base_url):
        await app.state.dispatcher.drain()
        await app.state.dispatcher.drain()
    # then the money went back exactly once, the order stayed expired and its history says so
    assert first.json()["outcome"] == again.json()["outcome"] == "refund_needed"
    refunds = localstripe.refunds_of(intent_id)
    assert [r["amount"] for r in refunds] == [seat["amount_minor"]]
    detail = await order_as_brand(client, shop, seat["id"])
    assert detail["state"] == "expired"
    notes = [h for h in detail["history"] if h["reason"] == "late_payment_refunded"]
    assert len(notes) == 1 and notes[0]["data"]["stripe_refund_id"] == refunds[0]["id"]
    assert await outbox(app, "OrderPaid") == []
    # and Stripe's events about that refund neither credit nor reverse anything (no sale was booked)
    obj = refund_object(refunds[0], intent_id)
    response = await post_webhook(client, event("refund.created", obj), WEBHOOK_SECRET)
    assert response.json()["outcome"] == "order_not_paid"
    assert await outbox(app, "OrderRefunded") == []
    async with app.state.sessionmaker() as session:
        assert (await session.exec(select(Refund).where(Refund.order_id == seat["id"]))).all() == []
