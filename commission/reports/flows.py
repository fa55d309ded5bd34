"""Sums of ledger entries grouped by owner, kind, currency and reason, for a period."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from commission.models import JournalTransaction, LedgerAccount, LedgerEntry

FlowKey = tuple[str, str, str, str]  # owner_id, kind, currency, reason


async def flows(session: AsyncSession, owner_type: str, owner_ids: Sequence[str] | None,
                since: datetime | None, until: datetime) -> dict[FlowKey, int]:
    stmt = (select(LedgerAccount.owner_id, LedgerAccount.kind, LedgerAccount.currency, JournalTransaction.reason,
                   sa.func.sum(LedgerEntry.amount_minor))
            .join(LedgerEntry, col(LedgerEntry.account_id) == col(LedgerAccount.id))
            .join(JournalTransaction, col(JournalTransaction.id) == col(LedgerEntry.transaction_id))
            .where(LedgerAccount.owner_type == owner_type, JournalTransaction.effective_at < until)
            .group_by(LedgerAccount.owner_id, LedgerAccount.kind, LedgerAccount.currency, JournalTransaction.reason))
    if since is not None:
        stmt = stmt.where(JournalTransaction.effective_at >= since)
    if owner_ids is not None:
        stmt = stmt.where(col(LedgerAccount.owner_id).in_(owner_ids))
    rows = (await session.exec(stmt)).all()  # type: ignore[call-overload]
    return {(o, k, c, r): int(total) for o, k, c, r, total in rows}


async def transactions_of(session: AsyncSession, owner_type: str, owner_id: str, since: datetime,
                          until: datetime) -> list[dict[str, object]]:
    """One line per (transaction, account) touching the owner in the period, oldest first."""
    stmt = (select(JournalTransaction.effective_at, JournalTransaction.id, JournalTransaction.reason,
                   JournalTransaction.external_ref, LedgerAccount.kind, LedgerEntry.currency, LedgerEntry.amount_minor)
            .join(LedgerEntry, col(LedgerEntry.transaction_id) == col(JournalTransaction.id))
            .join(LedgerAccount, col(LedgerAccount.id) == col(LedgerEntry.account_id))
            .where(LedgerAccount.owner_type == owner_type, LedgerAccount.owner_id == owner_id,
                   JournalTransaction.effective_at >= since, JournalTransaction.effective_at < until)
            .order_by(col(JournalTransaction.effective_at), col(JournalTransaction.id), col(LedgerEntry.id)))
    rows = (await session.exec(stmt)).all()  # type: ignore[call-overload]
    return [{"effective_at": at.isoformat(), "transaction_id": tid, "reason": reason, "external_ref": ref,
             "account": kind, "currency": currency, "amount_minor": amount}
            for at, tid, reason, ref, kind, currency, amount in rows]
