"""A late payment that cannot be honoured is refunded by an outbox job: written with the webhook's
outcome, retried while Stripe fails, done exactly once."""

from __future__ import annotations

from sqlmodel import select

from broadcast.checkout.expiry import sweep
from server.kernel import clock
from server.kernel.outbox import OutboxEvent, OutboxFailure
from tests.database import outbox
from tests.factories_checkout import buy, intent_event, make_shop, order_as_brand, post_webhook, visitor
from tests.live_server import free_port
from tests.stripe_gateway import gateway_of_this_loop
from tests.stripe_server import WEBHOOK_SECRET


class SaysCancelled:
    async def cancel_intent(self, intent_id: str) -> None:
        return None


async def rejected_late_payment(app, client, localstripe) -> tuple[dict, dict]:
    """An order that lapsed, whose unit was sold to someone else, then paid at Stripe: the webhook
    says `refund_needed`. Returns (order, intent)."""
    shop = await make_shop(app, client, stock=1)
    vid = "buyer-late-refund1"
    order = (await buy(client, shop, 1, vid))["order"]
    await client.post(f"/api/v1/checkout/orders/{order['id']}/test-payment", headers=visitor(vid))
    intent = localstripe.get(f"/v1/payment_intents/{order['payment_intent_id']}")
    clock.advance(11 * 60)
    await sweep(app.state.sessionmaker, SaysCancelled(), 90)  # a provider that claimed the intent was cancelled
    await buy(client, shop, 1)
    response = await post_webhook(client, intent_event("payment_intent.succeeded", intent), WEBHOOK_SECRET)
    assert response.json()["outcome"] == "refund_needed"
    return {**order, "shop": shop}, intent


async def refund_job(app) -> OutboxEvent:
    async with app.state.sessionmaker() as session:
        rows = (await session.exec(select(OutboxEvent).where(OutboxEvent.topic == "LatePaymentRejected"))).all()
    assert len(rows) == 1
    return rows[0]


async def refund_failure(app) -> OutboxFailure | None:
    job = await refund_job(app)
    async with app.state.sessionmaker() as session:
        return (await session.exec(select(OutboxFailure).where(OutboxFailure.event_id == job.id))).first()


async def test_the_late_refund_is_retried_while_stripe_fails_and_made_once(app, client, localstripe):
    # given a late payment the webhook rejected: the refund is a job in the outbox, not yet done
    order, intent = await rejected_late_payment(app, client, localstripe)
    assert await outbox(app, "LatePaymentRejected") == [
        {
            "order_id": order["id"],
            "payment_intent_id": intent["id"],
            "amount_minor": order["amount_minor"],
            "currency": "CNY",
        }
    ]
    assert localstripe.refunds_of(intent["id"]) == []
    # when the dispatcher runs while Stripe cannot be reached
    async with gateway_of_this_loop(app, f"http://127.0.0.1:{free_port()}"):
        await app.state.dispatcher.drain()
    # then no refund was made and the job is still pending, its failure recorded (backing off, not dead)
    assert (await refund_job(app)).delivered_at is None
    failure = await refund_failure(app)
    assert failure is not None and failure.attempts >= 1 and failure.dead_at is None
    assert "Stripe" in failure.last_error
    assert localstripe.refunds_of(intent["id"]) == []
    # when Stripe is back, the backoff has passed and the dispatcher runs again, twice
    clock.advance(app.state.settings.outbox_backoff_cap_s * 2)
    async with gateway_of_this_loop(app, localstripe.base_url):
        await app.state.dispatcher.drain()
        await app.state.dispatcher.drain()
    # then the buyer got the money back exactly once, and the order's history says so
    assert [r["amount"] for r in localstripe.refunds_of(intent["id"])] == [order["amount_minor"]]
    assert (await refund_job(app)).delivered_at is not None and await refund_failure(app) is None
    detail = await order_as_brand(client, order["shop"], order["id"])
    assert detail["state"] == "expired"
    assert [h["reason"] for h in detail["history"]].count("late_payment_refunded") == 1
    assert await outbox(app, "OrderPaid") == []


async def test_a_second_report_of_the_rejected_payment_does_not_refund_twice(app, client, localstripe):
    # given a rejected late payment whose refund job has run
    order, intent = await rejected_late_payment(app, client, localstripe)
    async with gateway_of_this_loop(app, localstripe.base_url):
        await app.state.dispatcher.drain()
        # when Stripe delivers the same success again (a new event id)
        again = await post_webhook(client, intent_event("payment_intent.succeeded", intent), WEBHOOK_SECRET)
        await app.state.dispatcher.drain()
    # then it is the same rejection, with no second job: one refund (localstripe ignores idempotency
    # keys, so this counts our own guard, not Stripe's)
    assert again.json()["outcome"] == "refund_needed"
    assert len(await outbox(app, "LatePaymentRejected")) == 1
    assert [r["amount"] for r in localstripe.refunds_of(intent["id"])] == [order["amount_minor"]]
