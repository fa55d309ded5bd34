"""Balances read back: summed from the entries (any period) or from the running totals (now)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from commission.ledger.accounts import AccountKey
from commission.models import LedgerAccount, LedgerEntry
from commission.totals.reading import account_balances


async def balances(
    session: AsyncSession,
    *,
    owner_type: str | None = None,
    owner_ids: Sequence[str] | None = None,
    kinds: Sequence[str] | None = None,
    before: datetime | None = None,
    since: datetime | None = None,
) -> dict[AccountKey, int]:
    """Sums of entries per account, optionally for transactions effective in [since, before)."""
    stmt = (
        select(  # type: ignore[call-overload]
            LedgerAccount.owner_type,
            LedgerAccount.owner_id,
            LedgerAccount.kind,
            LedgerAccount.currency,
            sa.func.sum(LedgerEntry.amount_minor),
        )
        .join(LedgerEntry, col(LedgerEntry.account_id) == col(LedgerAccount.id))
        .group_by(LedgerAccount.owner_type, LedgerAccount.owner_id, LedgerAccount.kind, LedgerAccount.currency)
    )
    if owner_type is not None:
        stmt = stmt.where(LedgerAccount.owner_type == owner_type)
    if owner_ids is not None:
        stmt = stmt.where(col(LedgerAccount.owner_id).in_(owner_ids))
    if kinds is not None:
        stmt = stmt.where(col(LedgerAccount.kind).in_(kinds))
    if before is not None:
        stmt = stmt.where(LedgerEntry.effective_at < before)
    if since is not None:
        stmt = stmt.where(LedgerEntry.effective_at >= since)
    rows = (await session.exec(stmt)).all()
    return {AccountKey(t, o, k, c): int(total) for t, o, k, c, total in rows}


async def kept_balances(
    session: AsyncSession,
    *,
    owner_type: str,
    owner_ids: Sequence[str] | None = None,
    kinds: Sequence[str] | None = None,
) -> dict[AccountKey, int]:
    """Balances now, as `balances` gives them, from the running totals kept as entries post (a few
    rows per account instead of every entry: the reports' and pages' read)."""
    found = await account_balances(session, owner_type, owner_ids, kinds)
    return {AccountKey(owner_type, owner, kind, currency): amount for (owner, kind, currency), amount in found.items()}
