"""The reversals (refunds, lost disputes, lowered PK prizes) taken from a partner's available
balance: why a balance went negative after a payout. One query for the finance desk and the
partner's own earnings page (a module of its own: both packages read it, neither owns it)."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from commission.ledger import Kind, Reason
from commission.models import JournalTransaction, LedgerAccount, LedgerEntry

REVERSALS = (Reason.REVERSED.value, Reason.DISPUTE_LOST.value, Reason.PK_BONUS_REVERSED.value)
MAX_CAUSES = 5


async def reversals(
    session: AsyncSession, partner_id: str, currency: str, since: Any, limit: int = MAX_CAUSES
) -> list[dict[str, Any]]:
    """The reversals taken from the partner's available balance since `since` (all time if None),
    newest first: the finance desk's and the partner's own page's clawback causes."""
    stmt = (
        select(  # type: ignore[call-overload]
            JournalTransaction.id,
            JournalTransaction.reason,
            JournalTransaction.external_ref,
            JournalTransaction.memo,
            JournalTransaction.effective_at,
            LedgerEntry.amount_minor,
        )
        .join(LedgerEntry, col(LedgerEntry.transaction_id) == col(JournalTransaction.id))
        .join(LedgerAccount, col(LedgerAccount.id) == col(LedgerEntry.account_id))
        .where(
            LedgerAccount.owner_type == "partner",
            LedgerAccount.owner_id == partner_id,
            LedgerAccount.kind == Kind.AVAILABLE.value,
            LedgerAccount.currency == currency,
            col(JournalTransaction.reason).in_(REVERSALS),
            col(LedgerEntry.amount_minor) < 0,
        )
        .order_by(col(JournalTransaction.effective_at).desc())
        .limit(limit)
    )
    if since is not None:
        stmt = stmt.where(JournalTransaction.effective_at >= since)
    return [
        {
            "id": tx_id,
            "reason": reason,
            "external_ref": ref,
            "memo": memo,
            "order_id": (memo or {}).get("order_id"),
            "effective_at": at,
            "amount_minor": int(amount),
        }
        for tx_id, reason, ref, memo, at, amount in (await session.exec(stmt)).all()
    ]
