"""Reading a Stripe Dispute object (the `data.object` of `charge.dispute.*` events) into the
commission ledger's `DisputeFacts`, with our order found from the disputed PaymentIntent.

A dispute names its charge and (for PaymentIntent charges, which are all of ours) its
PaymentIntent; the order is the one whose `payment_intent_id` it is. Stripe's dispute fee is the
sum of the `fee` of the dispute's balance transactions (a won dispute whose fee was given back
sums to zero), in the balance transactions' currency."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout.models import Order
from commission.disputes import DisputeFacts, record_dispute
from server.kernel.currency import validate_currency
from server.payments.handlers import Handled


class MalformedDispute(ValueError):
    """A dispute object missing what we need (amount, currency, charge): recorded, not applied."""


async def handle_dispute(session: AsyncSession, dispute: dict[str, Any]) -> Handled:
    try:
        facts = dispute_facts(dispute)
    except MalformedDispute as exc:
        return Handled(f"malformed_dispute: {exc}"[:60])
    order_id = await _order_of(session, facts.payment_intent_id)
    if order_id is not None:
        facts = DisputeFacts(**{**facts.__dict__, "order_id": order_id})
    return Handled(await record_dispute(session, facts))


def dispute_facts(dispute: dict[str, Any]) -> DisputeFacts:
    amount, status = dispute.get("amount"), dispute.get("status")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
        raise MalformedDispute(f"amount {amount!r}")
    if not isinstance(status, str) or not status:
        raise MalformedDispute("no status")
    try:
        currency = validate_currency(str(dispute.get("currency") or "").upper())
    except ValueError:
        raise MalformedDispute(f"currency {dispute.get('currency')!r}") from None
    fee, fee_currency = _fee(dispute.get("balance_transactions") or [])
    return DisputeFacts(
        stripe_dispute_id=str(dispute["id"]),
        charge_id=_id(dispute.get("charge")),
        payment_intent_id=_id(dispute.get("payment_intent")),
        order_id=None,
        currency=currency,
        amount_minor=amount,
        status=status,
        reason=str(dispute.get("reason") or "")[:60] or None,
        due_by=_due_by(dispute.get("evidence_details") or {}),
        fee_minor=fee,
        fee_currency=fee_currency,
    )


def _id(value: Any) -> str | None:
    """An id, whether Stripe sent it as a string or expanded the object."""
    if isinstance(value, dict):
        value = value.get("id")
    return str(value) if value else None


def _due_by(details: dict[str, Any]) -> datetime | None:
    due_by = details.get("due_by")
    return datetime.fromtimestamp(due_by, UTC) if isinstance(due_by, int) and due_by > 0 else None


def _fee(transactions: list[Any]) -> tuple[int, str | None]:
    found = [t for t in transactions if isinstance(t, dict) and isinstance(t.get("fee"), int)]
    if not found:
        return 0, None
    return sum(int(t["fee"]) for t in found), str(found[0].get("currency") or "").upper() or None


async def _order_of(session: AsyncSession, intent_id: str | None) -> str | None:
    if not intent_id:
        return None
    return (await session.exec(select(Order.id).where(Order.payment_intent_id == intent_id))).first()
