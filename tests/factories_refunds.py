"""Refunds as Stripe reports them: made "in the Dashboard" (straight at the Stripe test server,
without our metadata), and webhook events built from Stripe's own reference objects
(`../shared/stripe/fixtures3.json`) with the test server's ids and amounts put in."""

from __future__ import annotations

import copy
import uuid
from typing import Any

import httpx
import sqlalchemy as sa
from sqlmodel import col, select

from commission.ledger import Reason
from commission.models import JournalTransaction, LedgerEntry, RefundRecord
from tests.integration.checkout.test_stripe_shapes import stripe_fixtures
from tests.stripe_server import API_KEY, StripeTestServer


def dashboard_refund(stripe: StripeTestServer, intent_id: str, amount_minor: int) -> dict[str, Any]:
    """What a refund made in the Stripe Dashboard is: a refund of the intent with no metadata of ours."""
    response = httpx.post(
        f"{stripe.base_url}/v1/refunds",
        data={"payment_intent": intent_id, "amount": str(amount_minor)},
        headers={"Authorization": f"Bearer {API_KEY}"},
    )
    response.raise_for_status()
    return response.json()  # type: ignore[no-any-return]


def refund_object(held: dict[str, Any], intent_id: str | None = None, **changes: Any) -> dict[str, Any]:
    """Stripe's published refund, carrying the test server's refund (id, amount, charge, metadata)."""
    refund = copy.deepcopy(stripe_fixtures()["refund"])
    refund.update({k: held[k] for k in ("id", "amount", "currency", "charge", "metadata", "status") if k in held})
    refund["payment_intent"] = intent_id or held.get("payment_intent")
    refund.update(changes)
    return refund


def charge_object(charge_id: str, intent_id: str | None, amount_minor: int, refunded_minor: int) -> dict[str, Any]:
    """Stripe's published charge as a current API version sends it: its refunds are not embedded."""
    charge = copy.deepcopy(stripe_fixtures()["charge"])
    charge.update(
        id=charge_id,
        payment_intent=intent_id,
        amount=amount_minor,
        amount_captured=amount_minor,
        amount_refunded=refunded_minor,
        refunded=refunded_minor == amount_minor,
        currency="cny",
    )
    charge.pop("refunds", None)
    return charge


def event(kind: str, obj: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
    envelope = copy.deepcopy(stripe_fixtures()["event"])
    envelope.update(id=event_id or f"evt_{uuid.uuid4().hex[:24]}", type=kind, data={"object": obj})
    return envelope


async def reversal_sums(app: Any, order_id: str) -> list[tuple[str, int]]:
    """(refund record id, sum of its reversal transaction's entries) for the order, by record id:
    what the commission ledger did about each refund (each sum is 0: transactions balance)."""
    async with app.state.sessionmaker() as session:
        records = (await session.exec(select(RefundRecord).where(RefundRecord.order_id == order_id))).all()
        keys = {f"{Reason.REVERSED.value}:{r.refund_id}": r.refund_id for r in records}
        stmt = (
            sa.select(JournalTransaction.idempotency_key, sa.func.sum(LedgerEntry.amount_minor))
            .join(LedgerEntry, col(LedgerEntry.transaction_id) == col(JournalTransaction.id))
            .where(col(JournalTransaction.idempotency_key).in_(list(keys)))
            .group_by(JournalTransaction.idempotency_key)
        )
        rows = (await session.execute(stmt)).all()
    return sorted((keys[k], int(total)) for k, total in rows)


async def applied_refunds(app: Any, order_id: str) -> list[int]:
    """The commission's refund records of the order (applied amounts; a failed refund's
    compensation is negative), oldest first."""
    async with app.state.sessionmaker() as session:
        stmt = select(RefundRecord).where(RefundRecord.order_id == order_id).order_by(col(RefundRecord.refund_id))
        return [r.applied_minor for r in (await session.exec(stmt)).all()]
