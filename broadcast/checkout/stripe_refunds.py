"""A refund as Stripe reports it — the answer to our own refund call, or a webhook about a refund
made anywhere (our API, the Stripe Dashboard) — applied to its order once, keyed by the Stripe
refund id, whichever report comes first:

- ours, still `pending` (our call is in flight, or its answer was lost): credited now; the other
  report then finds it done;
- unknown (made in the Dashboard): a refund row is written for it and credited like ours;
- already credited, reported again with another amount or currency: kept as it is, and the
  disagreement recorded (`refund_mismatches`) for the reconciliation report;
- `failed` / `canceled` after it was credited: undone by new rows (`refund_effects.undo`); a
  success reported after the failure (events arrive in any order) changes nothing.
Runs in the caller's transaction, under the order's row lock (taken first, as everywhere)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout import refund_effects
from broadcast.checkout.closing import lock_order
from broadcast.checkout.models import Order, OrderState, Refund, RefundState
from broadcast.checkout.refund_mismatches import RefundMismatch, record_mismatch
from server.kernel.clock import utcnow
from server.kernel.ids import new_id

TAKEN = ("succeeded", "pending")  # Stripe counts both in the charge's `amount_refunded`
CREDITABLE = (OrderState.PAID, OrderState.PARTIALLY_REFUNDED)
UNPAID = (OrderState.PENDING_PAYMENT, OrderState.PROCESSING)
DASHBOARD_REASON = "refunded at Stripe (Dashboard or Stripe API)"


@dataclass(frozen=True)
class StripeRefund:
    id: str
    status: str
    amount_minor: int
    currency: str  # upper-case
    payment_intent_id: str | None = None
    order_id: str | None = None  # our metadata, on refunds we asked for
    refund_id: str | None = None


class Outcome(StrEnum):
    CREDITED = "refund_credited"
    DASHBOARD = "dashboard_refund_credited"
    ALREADY = "already_applied"
    WAITING = "refund_waiting"  # `requires_action`: not money yet
    FAILED = "refund_failed"
    UNDONE = "refund_undone"
    MISMATCH = "refund_mismatch"
    UNKNOWN_ORDER = "unknown_order"
    NOT_PAID = "order_not_paid"  # e.g. the refund of a late payment we could not honour
    NOT_YET = "order_not_paid_yet"  # the payment's own webhook has not arrived: ask Stripe to redeliver


async def apply_stripe_refund(session: AsyncSession, facts: StripeRefund) -> Outcome:
    order = await _order_of(session, facts)
    if order is None:
        return Outcome.UNKNOWN_ORDER
    refund = await _ours(session, order, facts)
    if facts.status in refund_effects.FAILED_AT_STRIPE:
        return await _failed(session, order, refund, facts)
    if facts.status not in TAKEN:
        return Outcome.WAITING
    if refund is None:
        return await _dashboard(session, order, facts)
    return await _taken(session, order, refund, facts)


async def knows_intent(session: AsyncSession, intent_id: str) -> bool:
    """A plain read (no lock): whether any order of ours was paid through this PaymentIntent."""
    return (await session.exec(select(Order.id).where(Order.payment_intent_id == intent_id))).first() is not None


async def _order_of(session: AsyncSession, facts: StripeRefund) -> Order | None:
    if facts.order_id:
        order = await lock_order(session, facts.order_id)
        if order is not None and facts.payment_intent_id in (None, order.payment_intent_id):
            return order
    if not facts.payment_intent_id:
        return None
    found = (await session.exec(select(Order.id).where(Order.payment_intent_id == facts.payment_intent_id))).first()
    return await lock_order(session, found) if found else None


async def _ours(session: AsyncSession, order: Order, facts: StripeRefund) -> Refund | None:
    """By the Stripe refund id, else by our id in its metadata (our call's answer not applied yet)."""
    by_stripe = select(Refund).where(Refund.stripe_refund_id == facts.id)
    refund = (await session.exec(by_stripe.execution_options(populate_existing=True))).first()
    if refund is None and facts.refund_id:
        refund = await session.get(Refund, facts.refund_id, populate_existing=True)
    return refund if refund is not None and refund.order_id == order.id else None


def _open(refund: Refund) -> bool:
    """Not settled by Stripe yet: pending, or failed on our side only (the call's answer was lost)."""
    return refund.state == RefundState.PENDING or (refund.state == RefundState.FAILED and not refund.stripe_refund_id)


async def _taken(session: AsyncSession, order: Order, refund: Refund, facts: StripeRefund) -> Outcome:
    if not _open(refund):
        if refund.state == RefundState.SUCCEEDED and (facts.amount_minor, facts.currency) != (
            refund.amount_minor,
            refund.currency,
        ):
            return await _mismatch(session, order, refund, facts, f"credited {refund.amount_minor} {refund.currency}")
        return Outcome.ALREADY  # the same report again, or a success reported after its failure
    if facts.currency != order.currency:
        return await _mismatch(session, order, refund, facts, "currency differs from the order's")
    asked = refund.amount_minor
    refund.stripe_refund_id, refund.completed_at = facts.id, utcnow()
    credited = refund_effects.credit(session, order, refund, facts.amount_minor)
    if (facts.amount_minor, credited) != (asked, asked):
        return await _mismatch(session, order, refund, facts, f"we asked for {asked}, credited {credited}", asked)
    return Outcome.CREDITED


async def _dashboard(session: AsyncSession, order: Order, facts: StripeRefund) -> Outcome:
    if order.state in UNPAID:
        return Outcome.NOT_YET
    if order.state not in CREDITABLE and order.state != OrderState.REFUNDED:
        return Outcome.NOT_PAID  # no sale reached the ledger: nothing to reverse
    left = order.amount_minor - order.refunded_minor
    if facts.currency != order.currency or left <= 0:
        why = "currency differs from the order's" if left > 0 else "the order is already fully refunded"
        return await _mismatch(session, order, None, facts, why, 0)
    now = utcnow()
    refund = _stripe_made(order, facts, stripe_refund_id=facts.id, created_at=now, completed_at=now)
    session.add(refund)
    credited = refund_effects.credit(session, order, refund, facts.amount_minor)
    if credited != facts.amount_minor:
        return await _mismatch(session, order, refund, facts, f"only {credited} was left to refund", credited)
    return Outcome.DASHBOARD


def _stripe_made(order: Order, facts: StripeRefund, **fields: Any) -> Refund:
    """Our record of a refund made at Stripe, not through our API (the dashboard): keyed by its Stripe id."""
    return Refund(
        id=new_id("rfd"),
        order_id=order.id,
        idempotency_key=f"stripe-{facts.id}"[:100],
        amount_minor=facts.amount_minor,
        currency=order.currency,
        reason=DASHBOARD_REASON,
        **fields,
    )


async def _failed(session: AsyncSession, order: Order, refund: Refund | None, facts: StripeRefund) -> Outcome:
    why = f"Stripe refund {facts.status}"
    if refund is None:
        if order.state in UNPAID:
            return Outcome.NOT_YET
        if order.state not in (*CREDITABLE, OrderState.REFUNDED) or facts.amount_minor <= 0:
            return Outcome.NOT_PAID
        # Remembered by its Stripe id, so a success reported late for it changes nothing.
        refund = _stripe_made(order, facts)
    elif refund.state == RefundState.SUCCEEDED:
        refund_effects.undo(session, order, refund, f"{why} after it was credited")
        return Outcome.UNDONE
    elif not _open(refund):
        return Outcome.ALREADY
    refund.state, refund.failure, refund.stripe_refund_id = RefundState.FAILED, why, facts.id
    refund.completed_at = utcnow()
    session.add(refund)
    return Outcome.FAILED


async def _mismatch(
    session: AsyncSession,
    order: Order,
    refund: Refund | None,
    facts: StripeRefund,
    ours: str,
    our_amount_minor: int | None = None,
) -> Outcome:
    reason = f"Stripe refund {facts.id} is {facts.amount_minor} {facts.currency}; {ours}"
    if our_amount_minor is None:
        our_amount_minor = refund.amount_minor if refund else 0
    mismatch = RefundMismatch(
        id="",
        order_id=order.id,
        brand_id=order.brand_id,
        refund_id=refund.id if refund else None,
        stripe_refund_id=facts.id,
        currency=order.currency,
        our_amount_minor=our_amount_minor,
        stripe_amount_minor=facts.amount_minor,
        stripe_currency=facts.currency,
        reason=reason[:200],
    )
    await record_mismatch(session, mismatch)
    return Outcome.MISMATCH
