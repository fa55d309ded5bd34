"""`OrderRefundFailed` → a refund Stripe could not complete stops reversing the commission.

Append-only: the refund's reversal stays in the ledger and a compensating transaction adds back
exactly what it took from each party (read from the reversal's own entries), into the account the
share sits in now (pending before the hold ends, available after — as a new reversal would). It is
posted with the reversal's reason and opposite signs, so every report that nets reversals (the
reconciliation, statements) stays right unchanged. A compensating refund record with a negative
amount, effective when the refund failed, keeps the period's "paid less refunded" in step.

A failure that arrives before its refund was applied (the refund still waiting for its OrderPaid)
marks the refund as never to be applied: nothing reached the ledger, so nothing is compensated."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from commission import ledger, order_totals
from commission.ledger import Reason
from commission.models import JournalTransaction, LedgerAccount, LedgerEntry, OrderCommission, RefundRecord
from commission.refunds import _reversal
from server.kernel.clock import as_utc, utcnow
from server.kernel.outbox import OutboxEvent

NEVER_APPLIED = "the refund failed at Stripe before it was applied"


def compensation_id(refund_id: str) -> str:
    return f"{refund_id}:failed"


async def on_order_refund_failed(session: AsyncSession, event: OutboxEvent) -> None:
    await record_refund_failure(session, event.payload)


async def record_refund_failure(session: AsyncSession, payload: dict[str, Any]) -> None:
    refund_id, failed_at = str(payload["refund_id"]), as_utc(datetime.fromisoformat(str(payload["failed_at"])))
    if await session.get(RefundRecord, compensation_id(refund_id)) is not None:
        return  # a replay
    record = await session.get(RefundRecord, refund_id, with_for_update=True)
    if record is None or record.applied_at is None:
        _never_apply(session, record, payload, failed_at)
        return
    order = await session.get(OrderCommission, record.order_id, with_for_update=True)
    if order is None or record.applied_minor <= 0:
        return
    deltas = await _reversed_per_party(session, order, refund_id)
    amount = record.applied_minor
    effective_at = max(failed_at, record.effective_at or failed_at)
    posting = _reversal(order, compensation_id(refund_id), -amount, {k: -v for k, v in deltas.items()}, effective_at)
    posting.memo = {"order_id": order.order_id, "compensates": refund_id, "why": "stripe_refund_failed"}
    await ledger.post(session, posting)
    order.refunded_minor -= amount
    order.partner_reversed_minor -= deltas["partner"]
    order.parent_reversed_minor -= deltas["parent"]
    order.fee_reversed_minor -= deltas["fee"]
    await order_totals.order_reversed(session, order, -(deltas["partner"] + deltas["parent"]), (effective_at, -amount))
    session.add_all([order, _compensation(record, failed_at, effective_at)])


def _never_apply(
    session: AsyncSession, record: RefundRecord | None, payload: dict[str, Any], failed_at: datetime
) -> None:
    """Keep (or write) the refund's record as rejected, so its OrderRefunded — now or later — is a no-op."""
    if record is None:
        record = RefundRecord(
            refund_id=str(payload["refund_id"]),
            order_id=str(payload["order_id"]),
            currency=str(payload["currency"]),
            amount_minor=int(payload["amount_minor"]),
            refunded_at=failed_at,
        )
    record.applied_at, record.rejected_reason = utcnow(), NEVER_APPLIED
    session.add(record)


def _compensation(record: RefundRecord, failed_at: datetime, effective_at: datetime) -> RefundRecord:
    return RefundRecord(
        refund_id=compensation_id(record.refund_id),
        order_id=record.order_id,
        currency=record.currency,
        amount_minor=-record.applied_minor,
        refunded_at=failed_at,
        applied_at=utcnow(),
        applied_minor=-record.applied_minor,
        effective_at=effective_at,
        rejected_reason=f"compensates {record.refund_id}: the refund failed at Stripe",
    )


async def _reversed_per_party(session: AsyncSession, order: OrderCommission, refund_id: str) -> dict[str, int]:
    """What the refund's reversal took from the partner, the parent partner and the platform fee."""
    stmt = (
        sa.select(LedgerAccount.owner_type, LedgerAccount.owner_id, sa.func.sum(LedgerEntry.amount_minor))  # type: ignore[call-overload]
        .join(LedgerEntry, LedgerEntry.account_id == LedgerAccount.id)
        .join(JournalTransaction, JournalTransaction.id == LedgerEntry.transaction_id)
        .where(JournalTransaction.idempotency_key == f"{Reason.REVERSED.value}:{refund_id}")
        .group_by(LedgerAccount.owner_type, LedgerAccount.owner_id)
    )
    taken: dict[str, int] = defaultdict(int)
    for owner_type, owner_id, amount in (await session.execute(stmt)).all():
        if owner_type == "platform":
            taken["fee"] -= int(amount)
        elif owner_type == "partner" and owner_id == order.partner_id:
            taken["partner"] -= int(amount)
        elif owner_type == "partner" and owner_id == order.parent_partner_id:
            taken["parent"] -= int(amount)
    return {name: taken[name] for name in ("partner", "parent", "fee")}
