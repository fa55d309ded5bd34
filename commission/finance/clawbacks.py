"""Why a partner's available balance is negative: the reversals (refunds, lost disputes, lowered PK
prizes) that reached *available* after the partner's last payout had already taken the money."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from commission.ledger import Kind, Reason
from commission.models import JournalTransaction, LedgerAccount, LedgerEntry, Payout, PayoutState

REVERSALS = (Reason.REVERSED.value, Reason.DISPUTE_LOST.value, Reason.PK_BONUS_REVERSED.value)
MAX_CAUSES = 5


async def negative_causes(session: AsyncSession, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Any]:
    """(partner_id, currency) → {payout…, causes: [...]} for each negative balance given."""
    return {key: await _cause(session, *key) for key in keys}


async def _cause(session: AsyncSession, partner_id: str, currency: str) -> dict[str, Any]:
    payout = await _last_payout(session, partner_id, currency)
    since = payout.created_at if payout else None
    return {
        "payout_id": payout.id if payout else None,
        "transfer_id": payout.transfer_id if payout else None,
        "paid_amount_minor": payout.amount_minor if payout else None,
        "paid_at": (payout.settled_at or payout.created_at) if payout else None,
        "causes": [_public(row) for row in await reversals(session, partner_id, currency, since)],
    }


def _public(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in ("reason", "external_ref", "order_id", "effective_at", "amount_minor")}


async def _last_payout(session: AsyncSession, partner_id: str, currency: str) -> Payout | None:
    stmt = (
        select(Payout)
        .where(Payout.partner_id == partner_id, Payout.currency == currency, Payout.state == PayoutState.PAID)
        .order_by(col(Payout.created_at).desc(), col(Payout.id).desc())
        .limit(1)
    )
    return (await session.exec(stmt)).first()


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
