"""`OrderRefunded` → the commission is reversed in proportion to the refund.

Each refund is recorded first (so one that arrives before its `OrderPaid` waits for it) and then
applied once: the cumulative refunded amount decides each party's cumulative reversal
(`splits.proportional`), and this refund posts the difference. Before the hold ends the partner's
share comes out of *pending*, afterwards out of *available* — which goes negative if it was
already paid out (a clawback, netted against the next payouts)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from commission import ledger, order_totals
from commission.ledger import Kind, Posting, Reason
from commission.models import OrderCommission, RefundRecord
from commission.reversal_shares import reversal_shares
from server.kernel.clock import as_utc, utcnow
from server.kernel.outbox import OutboxEvent


async def on_order_refunded(session: AsyncSession, event: OutboxEvent) -> None:
    await record_refund(session, event.payload)


async def record_refund(session: AsyncSession, payload: dict[str, Any]) -> RefundRecord | None:
    refund_id = str(payload["refund_id"])
    if await session.get(RefundRecord, refund_id) is not None:
        return None  # a replay
    refunded_at = payload["refunded_at"]
    record = RefundRecord(
        refund_id=refund_id,
        order_id=str(payload["order_id"]),
        currency=str(payload["currency"]),
        amount_minor=int(payload["amount_minor"]),
        refunded_at=as_utc(datetime.fromisoformat(str(refunded_at))),
    )
    session.add(record)
    order = await session.get(OrderCommission, record.order_id, with_for_update=True)
    if order is not None:
        await apply_refund(session, order, record)
    return record


async def apply_waiting_refunds(session: AsyncSession, order: OrderCommission) -> None:
    stmt = (
        select(RefundRecord)
        .where(RefundRecord.order_id == order.order_id, col(RefundRecord.applied_at).is_(None))
        .order_by(RefundRecord.refund_id)
    )
    for record in (await session.exec(stmt)).all():
        await apply_refund(session, order, record)


def _reject(record: RefundRecord, reason: str) -> None:
    record.rejected_reason = reason
    record.applied_at = utcnow()


async def apply_refund(session: AsyncSession, order: OrderCommission, record: RefundRecord) -> None:
    if record.currency != order.currency:
        return _reject(record, f"currency mismatch: refund in {record.currency}, order in {order.currency}")
    shares = reversal_shares(order, record.amount_minor)
    amount, deltas = shares.amount_minor, shares.as_deltas()
    if amount <= 0:
        return _reject(record, "refund exceeds the order amount")
    cumulative = order.refunded_minor + amount
    effective_at = max(record.refunded_at, order.paid_at)
    await ledger.post(session, _reversal(order, record.refund_id, amount, deltas, effective_at))
    order.refunded_minor = cumulative
    order.partner_reversed_minor += deltas["partner"]
    order.parent_reversed_minor += deltas["parent"]
    order.fee_reversed_minor += deltas["fee"]
    record.applied_at, record.applied_minor, record.effective_at = utcnow(), amount, effective_at
    await order_totals.order_reversed(session, order, deltas["partner"] + deltas["parent"], (effective_at, amount))
    if amount != record.amount_minor:
        record.rejected_reason = f"only {amount} of {record.amount_minor} applied: the rest exceeds the order"
    session.add_all([order, record])
    return None


def _reversal(
    order: OrderCommission, refund_id: str, amount: int, deltas: dict[str, int], effective_at: datetime
) -> Posting:
    c = order.currency
    kind = Kind.PENDING if order.released_at is None else Kind.AVAILABLE
    posting = Posting(
        f"{Reason.REVERSED.value}:{refund_id}",
        Reason.REVERSED,
        effective_at,
        external_ref=refund_id,
        brand_id=order.brand_id,
        memo={"order_id": order.order_id},
    )
    posting.add(ledger.brand_key(order.brand_id, Kind.SALES, c), amount)
    posting.add(ledger.brand_key(order.brand_id, Kind.NET, c), -(amount - sum(deltas.values())))
    if order.partner_id:
        posting.add(ledger.partner_key(order.partner_id, kind, c), -deltas["partner"])
    if order.parent_partner_id:
        posting.add(ledger.partner_key(order.parent_partner_id, kind, c), -deltas["parent"])
    posting.add(ledger.platform_fee_key(c), -deltas["fee"])
    return posting
