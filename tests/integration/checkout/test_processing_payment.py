"""An asynchronous payment method: `payment_intent.processing` (Stripe's own object shape) holds the
order longer and shows it as processing; only `payment_intent.succeeded` makes it paid, once."""

from __future__ import annotations

from datetime import datetime, timedelta

from broadcast.checkout.expiry import sweep
from broadcast.checkout.gateway import Intent, PaymentProviderError
from server.kernel import clock
from tests.database import outbox
from tests.factories import auth
from tests.factories_checkout import buy, make_shop, post_webhook
from tests.integration.checkout.test_stripe_shapes import stripe_event
from tests.stripe_server import WEBHOOK_SECRET


class StillProcessing:
    """Stripe's answer for an intent whose bank debit is on its way: it cannot be cancelled
    (localstripe cannot put an intent in `processing`). Everything else is the real gateway."""

    def __init__(self, real: object) -> None:
        self.real = real

    def __getattr__(self, name: str) -> object:
        return getattr(self.real, name)

    async def cancel_intent(self, intent_id: str) -> Intent:
        raise PaymentProviderError(
            "Stripe: You cannot cancel this PaymentIntent because it has a status of processing."
        )

    async def retrieve_intent(self, intent_id: str) -> Intent:
        return Intent(intent_id, "processing", None, 1, "CNY")


async def detail(client, shop, order) -> dict:
    response = await client.get(f"/api/v1/orders/{order['id']}", headers=auth(shop.token))
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def held_for(order: dict) -> timedelta:
    return datetime.fromisoformat(order["reserved_until"]) - datetime.fromisoformat(order["created_at"])


async def test_processing_holds_the_order_longer_and_only_succeeded_pays_it(app, client, localstripe):
    shop = await make_shop(app, client, stock=3)
    order = (await buy(client, shop, 2))["order"]
    assert held_for(order) == timedelta(minutes=10)
    # when Stripe says the payment is processing
    processing = stripe_event("payment_intent.processing", order, "processing")
    response = await post_webhook(client, processing, WEBHOOK_SECRET)
    assert response.status_code == 200 and response.json()["outcome"] == "processing"
    # then the order shows it, holds its stock up to 30 minutes after checkout, and is not paid
    seen = await detail(client, shop, order)
    assert seen["state"] == "processing" and held_for(seen) == timedelta(minutes=30)
    assert [h["reason"] for h in seen["history"]] == ["checkout", "payment_processing"]
    assert await outbox(app, "OrderPaid") == []
    # a repeated event changes nothing
    assert (await post_webhook(client, processing, WEBHOOK_SECRET)).json()["outcome"] == "duplicate"
    # the 10-minute hold passing does not expire it under the buyer
    clock.advance(11 * 60)
    assert await sweep(app.state.sessionmaker, app.state.payment_gateway, 90) == 0
    assert (await detail(client, shop, order))["state"] == "processing"
    # nor does the 30-minute one while Stripe still says processing (sweep or read): the webhook decides
    clock.advance(20 * 60)
    real, app.state.payment_gateway = app.state.payment_gateway, StillProcessing(app.state.payment_gateway)
    try:
        assert await sweep(app.state.sessionmaker, app.state.payment_gateway, 90) == 0
        assert (await detail(client, shop, order))["state"] == "processing"
    finally:
        app.state.payment_gateway = real
    # when it succeeds, the order is paid, once
    succeeded = stripe_event("payment_intent.succeeded", order, "succeeded")
    assert (await post_webhook(client, succeeded, WEBHOOK_SECRET)).json()["outcome"] == "paid"
    succeeded["id"] += "_again"
    assert (await post_webhook(client, succeeded, WEBHOOK_SECRET)).json()["outcome"] == "already_applied"
    assert len(await outbox(app, "OrderPaid")) == 1
    assert (await detail(client, shop, order))["state"] == "paid"


async def test_processing_after_the_hold_lapsed_changes_nothing(app, client, localstripe):
    shop = await make_shop(app, client, stock=1)
    order = (await buy(client, shop, 1))["order"]
    clock.advance(11 * 60)
    assert await sweep(app.state.sessionmaker, app.state.payment_gateway, 90) == 1
    processing = stripe_event("payment_intent.processing", order, "processing")
    assert (await post_webhook(client, processing, WEBHOOK_SECRET)).json()["outcome"] == "ignored"
    assert (await detail(client, shop, order))["state"] == "expired"


async def test_requires_action_is_noted_and_the_order_keeps_waiting(app, client, localstripe):
    shop = await make_shop(app, client, stock=1)
    order = (await buy(client, shop, 1))["order"]
    event = stripe_event("payment_intent.requires_action", order, "requires_action")
    event["data"]["object"]["next_action"] = {"type": "use_stripe_sdk"}
    assert (await post_webhook(client, event, WEBHOOK_SECRET)).json()["outcome"] == "noted"
    seen = await detail(client, shop, order)
    assert seen["state"] == "pending_payment" and held_for(seen) == timedelta(minutes=10)
    assert seen["history"][-1]["reason"] == "payment_requires_action"
