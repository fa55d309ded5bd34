"""A small Stripe of refunds for the ledger's property test: it holds each intent's charge and its
refunds (the truth the ledger must end up agreeing with), refuses refunds above what is left (as
Stripe does, unlike localstripe), answers our refund calls — optionally delivering the refund's
webhook *before* answering, the race the Stripe refund id key must survive — and builds the events
Stripe would send (`refund.created`, `refund.updated`, `charge.refunded`), applied through the
webhook's own `process`. Only the fields our handlers read; the shapes are Stripe's (see
`tests/factories_refunds.py` for events built from Stripe's reference objects)."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from broadcast.checkout.gateway import PaymentProviderError, RefundResult
from broadcast.checkout.models import Order, OrderState
from broadcast.models import Brand, LiveSession
from server.kernel.clock import utcnow
from server.payments.handlers import Context
from server.payments.webhook import process

_ids = itertools.count(1)


class FakeStripeRefunds:
    test_payments = False

    def __init__(self) -> None:
        self.charges: dict[str, int] = {}  # intent id → amount paid
        self.refunds: dict[str, dict[str, Any]] = {}  # Stripe refund id → Stripe's refund object
        self.by_key: dict[str, str] = {}
        self.before_answer: Callable[[dict[str, Any]], Awaitable[None]] | None = None

    def left(self, intent_id: str) -> int:
        return self.charges[intent_id] - self.refunded(intent_id)

    def refunded(self, intent_id: str) -> int:
        taken = (r for r in self.refunds.values() if r["payment_intent"] == intent_id)
        return sum(r["amount"] for r in taken if r["status"] == "succeeded")

    def create(self, intent_id: str, amount_minor: int, metadata: dict[str, str] | None = None) -> dict[str, Any]:
        if not 0 < amount_minor <= self.left(intent_id):
            raise PaymentProviderError(f"Stripe: refund of {amount_minor} exceeds what is left")
        refund = {
            "id": f"re_prop{next(_ids):08d}",
            "object": "refund",
            "amount": amount_minor,
            "currency": "cny",
            "charge": f"ch_{intent_id[3:]}",
            "payment_intent": intent_id,
            "metadata": dict(metadata or {}),
            "status": "succeeded",
        }
        self.refunds[refund["id"]] = refund
        return refund

    async def refund(
        self, intent_id: str, amount_minor: int, idempotency_key: str, metadata: dict[str, str]
    ) -> RefundResult:
        if idempotency_key in self.by_key:
            refund = self.refunds[self.by_key[idempotency_key]]
        else:
            refund = self.create(intent_id, amount_minor, metadata)
            self.by_key[idempotency_key] = refund["id"]
            if self.before_answer is not None:
                await self.before_answer(dict(refund))
        return RefundResult(refund["id"], refund["status"], refund["amount"], refund["currency"].upper())

    async def list_refunds(self, intent_id: str) -> list[dict[str, Any]]:
        return [dict(r) for r in self.refunds.values() if r["payment_intent"] == intent_id]

    def charge(self, intent_id: str) -> dict[str, Any]:
        """`charge.refunded` as current API versions send it: no embedded refunds."""
        amount = self.charges[intent_id]
        refunded = self.refunded(intent_id)
        return {
            "id": f"ch_{intent_id[3:]}",
            "object": "charge",
            "amount": amount,
            "amount_refunded": refunded,
            "refunded": refunded == amount,
            "currency": "cny",
            "payment_intent": intent_id,
        }


def stripe_event(kind: str, obj: dict[str, Any]) -> dict[str, Any]:
    return {"id": f"evt_prop{next(_ids):08d}", "object": "event", "type": kind, "data": {"object": dict(obj)}}


async def deliver(app: Any, stripe: FakeStripeRefunds, event: dict[str, Any]) -> str:
    """The webhook's own path (signatures are another test's concern), then the outbox to commission."""
    async with app.state.sessionmaker() as session:
        outcome = await process(session, Context.of_app(app.state, stripe), event)
    await app.state.dispatcher.drain()
    return outcome


async def add_shop(app: Any, brand_id: str) -> str:
    """The brand and one live session, for orders to belong to: the live session's id."""
    async with app.state.sessionmaker() as session:
        session.add(Brand(id=brand_id, name="Prop", slug=brand_id, default_currency="CNY"))
        await session.flush()
        live = LiveSession(id=f"ses_{brand_id}", brand_id=brand_id, title="prop", scheduled_start_at=utcnow())
        session.add(live)
        await session.commit()
        return live.id


async def add_paid_order(app: Any, stripe: FakeStripeRefunds, payload: dict[str, Any], session_id: str) -> str:
    """The checkout order behind an `OrderPaid` payload, paid through a PaymentIntent: its id."""
    intent_id = f"pi_{payload['order_id'][4:]}"
    paid_at = datetime.fromisoformat(payload["paid_at"])
    async with app.state.sessionmaker() as session:
        session.add(
            Order(
                id=payload["order_id"],
                brand_id=payload["brand_id"],
                session_id=session_id,
                visitor_id="v1",
                idempotency_key=payload["order_id"],
                state=OrderState.PAID,
                currency=payload["currency"],
                amount_minor=payload["amount_minor"],
                reserved_until=paid_at + timedelta(minutes=10),
                payment_intent_id=intent_id,
                paid_at=paid_at,
                created_at=paid_at,
                updated_at=paid_at,
            )
        )
        await session.commit()
    stripe.charges[intent_id] = payload["amount_minor"]
    return intent_id
