"""The ledger property test's refunds through Stripe (`test_ledger_properties.World` mixes these
in): our refund call with Stripe's `refund.created` arriving before its answer, after it or never;
Dashboard refunds reported by `refund.created`, `charge.refunded` or both in either order; events
redelivered (same id, or a new id with the same content); refunds failing later; an event with a
disagreeing amount. `check_refunds` is the "nobody refunded twice" invariant."""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

import sqlalchemy as sa

from broadcast.checkout.gateway import PaymentProviderError
from broadcast.checkout.models import Order, Refund, RefundState
from broadcast.checkout.refunds import RefundService, RefundTooLarge
from server.kernel.outbox import OutboxEvent
from server.kernel.problems import IllegalTransition
from tests.fake_stripe_refunds import FakeStripeRefunds, deliver, stripe_event

API_ARRIVALS = ["event_first", "answer_first", "answer_only"]
DASHBOARD_ROUTES = ["refund.created", "charge.refunded", "refund_then_charge", "charge_then_refund"]
STRIPE_STEPS = ("api_refund", "dashboard", "fail_refund", "redeliver", "disagree")
ROUTES = {
    "refund_then_charge": ["refund.created", "charge.refunded"],
    "charge_then_refund": ["charge.refunded", "refund.created"],
}


class StripeRefundSteps:
    app: Any

    def stripe_world(self) -> None:
        self.stripe = FakeStripeRefunds()
        self.intents: list[tuple[str, str]] = []  # (order id, PaymentIntent id) of orders with a checkout order
        self.stripe_events: list[dict] = []
        self.disagreed: set[str] = set()  # Stripe refund ids reported with a wrong amount

    async def send(self, kind, obj):
        event = stripe_event(kind, obj)
        self.stripe_events.append(event)
        return await deliver(self.app, self.stripe, event)

    def pick(self, index):
        return self.intents[index % len(self.intents)]

    async def api_refund(self, index, percent, arrival):
        """Our refund call; Stripe's `refund.created` arrives before its answer, after it, or never."""
        order_id, intent = self.pick(index)
        amount = max(1, self.stripe.left(intent) * percent // 100)

        async def webhook_first(refund):
            await self.send("refund.created", refund)

        self.stripe.before_answer = webhook_first if arrival == "event_first" else None
        try:
            async with self.app.state.sessionmaker() as session:
                refund = await RefundService(session, self.stripe).refund(
                    order_id, amount, uuid.uuid4().hex, None, None
                )
        except (PaymentProviderError, IllegalTransition, RefundTooLarge):
            return  # nothing left, or a refund of ours still pending: refused, nothing changed
        finally:
            self.stripe.before_answer = None
        if arrival == "answer_first" and refund.stripe_refund_id:
            await self.send("refund.created", self.stripe.refunds[refund.stripe_refund_id])

    async def dashboard(self, index, percent, route):
        _, intent = self.pick(index)
        if self.stripe.left(intent) <= 0:
            return
        refund = self.stripe.create(intent, max(1, self.stripe.left(intent) * percent // 100))
        for kind in ROUTES.get(route, [route]):
            await self.send(kind, self.stripe.charge(intent) if kind == "charge.refunded" else refund)

    async def fail_refund(self, index):
        """The buyer's bank refuses a refund Stripe had reported as done."""
        done = [r for r in self.stripe.refunds.values() if r["status"] == "succeeded"]
        if done:
            refund = done[index % len(done)]
            refund["status"] = "failed"
            await self.send("refund.updated", refund)

    async def redeliver(self, index, same_id):
        if self.stripe_events:
            event = self.stripe_events[index % len(self.stripe_events)]
            again = event if same_id else {**event, "id": f"{event['id']}_again{index}"}
            await deliver(self.app, self.stripe, again)

    async def disagree(self, index):
        """An event for a refund we credited, with another amount: listed, never applied."""
        done = [r for r in self.stripe.refunds.values() if r["status"] == "succeeded"]
        if done:
            refund = done[index % len(done)]
            await self.send("refund.updated", {**refund, "amount": refund["amount"] + 1})
            self.disagreed.add(refund["id"])

    async def check_refunds(self, session):
        """Nobody refunded twice: each order's refunds are Stripe's successful ones, each credited once."""
        for order_id, intent in self.intents:
            order = await session.get(Order, order_id, populate_existing=True)
            assert order.refunded_minor == self.stripe.refunded(intent), (order_id, order.refunded_minor)
        rows = (await session.execute(sa.select(Refund.stripe_refund_id, Refund.state))).all()
        credited = Counter(sid for sid, state in rows if sid and state == RefundState.SUCCEEDED)
        truth = {r["id"] for r in self.stripe.refunds.values() if r["status"] == "succeeded"}
        assert set(credited) == truth and all(n == 1 for n in credited.values()), (credited, truth)
        events = (await session.execute(sa.select(OutboxEvent.topic, OutboxEvent.payload))).all()
        for topic in ("OrderRefunded", "OrderRefundFailed"):
            # ours only: the `duplicate` step re-emits the commission-level events on purpose
            per_refund = Counter(p["refund_id"] for t, p in events if t == topic and p["refund_id"].startswith("rfd_"))
            assert all(n == 1 for n in per_refund.values()), (topic, per_refund)
