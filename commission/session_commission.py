"""A live session's commission as the ledger has it: per partner and per order, what was accrued
for the session's orders less what their refunds reversed — the entries finance reconciles, not
the funnel's estimate. Releases and payouts only move money between a partner's own accounts
(and carry no order as their reference), so they leave these sums unchanged."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from commission.ledger import Reason
from commission.models import JournalTransaction, LedgerAccount, LedgerEntry, OrderCommission, RefundRecord

PARTNER = "partner"
COUNTED = (Reason.ACCRUED.value, Reason.REVERSED.value)


@dataclass
class SessionCommission:
    by_partner: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    by_order: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))  # (order, partner)


async def session_commission(db: AsyncSession, session_id: str) -> SessionCommission:
    """One grouped read of the partner entries whose transaction is one of the session's orders
    (its accrual) or one of their refunds (a reversal)."""
    orders = select(OrderCommission.order_id).where(OrderCommission.session_id == session_id)
    of_orders = select(RefundRecord.refund_id, RefundRecord.order_id).where(col(RefundRecord.order_id).in_(orders))
    refunds = dict((await db.exec(of_orders)).all())
    owner, ref = col(LedgerAccount.owner_id), col(JournalTransaction.external_ref)
    stmt = (
        sa.select(owner, ref, sa.func.sum(LedgerEntry.amount_minor))
        .select_from(LedgerEntry)
        .join(JournalTransaction, col(JournalTransaction.id) == col(LedgerEntry.transaction_id))
        .join(LedgerAccount, col(LedgerAccount.id) == col(LedgerEntry.account_id))
        .where(col(LedgerAccount.owner_type) == PARTNER, col(JournalTransaction.reason).in_(COUNTED))
        .where(sa.or_(ref.in_(orders), ref.in_(list(refunds))))
        .group_by(owner, ref)
    )
    out = SessionCommission()
    for partner_id, ref, amount in (await db.execute(stmt)).all():
        order_id = refunds.get(ref, ref)
        out.by_partner[partner_id] += int(amount or 0)
        out.by_order[(order_id, partner_id)] += int(amount or 0)
    return out
