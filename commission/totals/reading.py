"""Sums of ledger entries for any period, read from the kept totals.

[since, until) = the whole UTC days' rows of `ledger_daily_totals` ± raw entries of the partial
first and last days (`commission/totals/days.py`; an index range on the entries' `effective_at`).
Everything before `until` = the running totals less what was posted from `until` on. A key is
present when some entry makes it up (even if they sum to zero), as when the entries were summed
directly."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from commission.models import JournalTransaction, LedgerAccount, LedgerAccountTotal, LedgerDailyTotal, LedgerEntry
from commission.totals.days import split_days

FlowKey = tuple[str, str, str, str]  # owner_id, kind, currency, reason
Sums = dict[FlowKey, list[int]]  # → [amount, entries]


def _scoped(stmt: Any, table: Any, owner_type: str, owner_ids: Sequence[str] | None) -> Any:
    a = LedgerAccount
    stmt = stmt.join(a, col(a.id) == table.account_id).where(a.owner_type == owner_type)
    if owner_ids is not None:
        stmt = stmt.where(col(a.owner_id).in_(list(owner_ids)))
    return stmt.group_by(a.owner_id, a.kind, table.currency, table.reason)


async def _collect(session: AsyncSession, stmt: Any, into: Sums, sign: int = 1) -> Sums:
    for owner_id, kind, currency, reason, amount, entries in (await session.execute(stmt)).all():
        row = into.setdefault((owner_id, kind, currency, reason), [0, 0])
        row[0] += sign * int(amount or 0)
        row[1] += sign * int(entries or 0)
    return into


def _select(table: Any, amount: Any, entries: Any) -> Any:
    return sa.select(LedgerAccount.owner_id, LedgerAccount.kind, table.currency, table.reason, amount, entries)  # type: ignore[call-overload]


async def _entries(
    session: AsyncSession,
    into: Sums,
    owner_type: str,
    owner_ids: Sequence[str] | None,
    since: datetime,
    until: datetime | None,
    sign: int = 1,
) -> None:
    """Raw entries effective in [since, until): only ever a partial day, or a short period."""
    e, t = LedgerEntry, JournalTransaction
    reason = t.__table__.c.reason  # type: ignore[attr-defined]
    stmt = sa.select(  # type: ignore[call-overload]
        LedgerAccount.owner_id, LedgerAccount.kind, e.currency, reason, sa.func.sum(e.amount_minor), sa.func.count()
    )
    stmt = stmt.select_from(e).join(t, col(t.id) == col(e.transaction_id)).where(col(e.effective_at) >= since)
    if until is not None:
        stmt = stmt.where(col(e.effective_at) < until)
    a = LedgerAccount
    stmt = stmt.join(a, col(a.id) == col(e.account_id)).where(a.owner_type == owner_type)
    if owner_ids is not None:
        stmt = stmt.where(col(a.owner_id).in_(list(owner_ids)))
    stmt = stmt.group_by(a.owner_id, a.kind, e.currency, reason)
    await _collect(session, stmt, into, sign)


async def _days(
    session: AsyncSession,
    into: Sums,
    owner_type: str,
    owner_ids: Sequence[str] | None,
    first: date | None,
    end: date | None,
    sign: int = 1,
) -> None:
    d = LedgerDailyTotal.__table__.c  # type: ignore[attr-defined]
    stmt = _select(d, sa.func.sum(d.amount_minor), sa.func.sum(d.entry_count)).select_from(LedgerDailyTotal)
    if first is not None:
        stmt = stmt.where(d.day >= first)
    if end is not None:
        stmt = stmt.where(d.day < end)
    await _collect(session, _scoped(stmt, d, owner_type, owner_ids), into, sign)


async def _window(
    session: AsyncSession,
    into: Sums,
    owner_type: str,
    owner_ids: Sequence[str] | None,
    since: datetime,
    until: datetime | None,
    sign: int = 1,
) -> None:
    """[since, until) (until None: no end) = whole days' rows ± the partial days' entries (`split_days`)."""
    split = split_days(since, until)
    for first, end, day_sign in split.days:
        await _days(session, into, owner_type, owner_ids, first, end, sign * day_sign)
    for start, stop, raw_sign in split.raw:
        await _entries(session, into, owner_type, owner_ids, start, stop, sign * raw_sign)


async def _running(session: AsyncSession, into: Sums, owner_type: str, owner_ids: Sequence[str] | None) -> None:
    r = LedgerAccountTotal.__table__.c  # type: ignore[attr-defined]
    stmt = _select(r, sa.func.sum(r.amount_minor), sa.func.sum(r.entry_count)).select_from(LedgerAccountTotal)
    await _collect(session, _scoped(stmt, r, owner_type, owner_ids), into)


async def flows(
    session: AsyncSession, owner_type: str, owner_ids: Sequence[str] | None, since: datetime | None, until: datetime
) -> dict[FlowKey, int]:
    """Sums per (owner, kind, currency, reason) of the entries effective in [since, until) (since
    None: from the first entry)."""
    sums: Sums = {}
    if since is None:
        await _running(session, sums, owner_type, owner_ids)
        await _window(session, sums, owner_type, owner_ids, until, None, sign=-1)
    else:
        await _window(session, sums, owner_type, owner_ids, since, until)
    return {key: amount for key, (amount, entries) in sums.items() if entries}


async def account_balances(
    session: AsyncSession, owner_type: str, owner_ids: Sequence[str] | None = None, kinds: Sequence[str] | None = None
) -> dict[tuple[str, str, str], int]:
    """Balances now per (owner, kind, currency), from the running totals (a few rows per account)."""
    r, a = LedgerAccountTotal, LedgerAccount
    stmt = (
        sa.select(a.owner_id, a.kind, a.currency, sa.func.sum(r.amount_minor))  # type: ignore[call-overload]
        .join(r, col(r.account_id) == col(a.id))
        .where(a.owner_type == owner_type)
        .group_by(a.owner_id, a.kind, a.currency)
    )
    if owner_ids is not None:
        stmt = stmt.where(col(a.owner_id).in_(list(owner_ids)))
    if kinds is not None:
        stmt = stmt.where(col(a.kind).in_([str(k) for k in kinds]))
    found: dict[tuple[str, str, str], int] = defaultdict(int)
    for owner_id, kind, currency, amount in (await session.execute(stmt)).all():
        found[(owner_id, kind, currency)] += int(amount or 0)
    return dict(found)
