"""Sums of ledger entries grouped by owner, kind, currency and reason for a period (read from the
kept totals, `commission/totals`), and an owner's entries as statement lines."""

from __future__ import annotations

import base64
import heapq
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from commission.models import JournalTransaction, LedgerAccount, LedgerEntry
from commission.reports.release_terms import with_release_terms
from commission.totals import FlowKey, flows
from server.kernel.clock import as_utc
from server.kernel.problems import InvalidInput

__all__ = ["FlowKey", "LinesCursor", "flows", "iter_lines", "statement_lines", "stream_lines", "transactions_of"]


async def transactions_of(
    session: AsyncSession, owner_type: str, owner_id: str, since: datetime, until: datetime
) -> list[dict[str, object]]:
    """One line per (transaction, account) touching the owner in the period, oldest first (an
    accrual's with its release condition)."""
    stmt = (
        select(  # type: ignore[call-overload]
            LedgerEntry.effective_at,
            JournalTransaction.id,
            JournalTransaction.reason,
            JournalTransaction.external_ref,
            LedgerAccount.kind,
            LedgerEntry.currency,
            LedgerEntry.amount_minor,
        )
        .join(LedgerEntry, col(LedgerEntry.transaction_id) == col(JournalTransaction.id))
        .join(LedgerAccount, col(LedgerAccount.id) == col(LedgerEntry.account_id))
        .where(
            LedgerAccount.owner_type == owner_type,
            LedgerAccount.owner_id == owner_id,
            LedgerEntry.effective_at >= since,
            LedgerEntry.effective_at < until,
        )
        .order_by(col(LedgerEntry.effective_at), col(JournalTransaction.id), col(LedgerEntry.id))
    )
    rows = (await session.exec(stmt)).all()
    lines = [
        _line(at, tid, reason, ref, kind, currency, amount) for at, tid, reason, ref, kind, currency, amount in rows
    ]
    return await with_release_terms(session, lines)


def _line(
    at: datetime, tid: str, reason: str, ref: str | None, kind: str, currency: str, amount: int
) -> dict[str, object]:
    return {
        "effective_at": at.isoformat(),
        "transaction_id": tid,
        "reason": reason,
        "external_ref": ref,
        "account": kind,
        "currency": currency,
        "amount_minor": amount,
    }


@dataclass(frozen=True, slots=True)
class LinesCursor:
    """Where a page of lines ended: the last line's effective time and entry id (opaque to clients)."""

    effective_at: datetime
    entry_id: int

    def encode(self) -> str:
        raw = f"{self.effective_at.isoformat()}|{self.entry_id}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, value: str) -> LinesCursor:
        try:
            at, entry = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode().split("|")
            return cls(as_utc(datetime.fromisoformat(at)), int(entry))
        except (ValueError, UnicodeDecodeError):
            raise InvalidInput(
                "cursor is not one this API gave out", extra={"errors": [{"field": "cursor", "message": "invalid"}]}
            ) from None


async def _account_page(
    session: AsyncSession, account_id: str, since: datetime, until: datetime, after: LinesCursor | None, limit: int
) -> list[tuple[datetime, int, str, int]]:
    """One account's entries in (effective_at, id) order: an index-only range of its (account,
    effective_at) index, which covers the amount and the transaction (the currency is the account's)."""
    e = LedgerEntry
    stmt = (
        sa.select(e.effective_at, e.id, e.transaction_id, e.amount_minor)  # type: ignore[call-overload]
        .where(e.account_id == account_id, col(e.effective_at) >= since, col(e.effective_at) < until)
        .order_by(col(e.effective_at), col(e.id))
        .limit(limit)
    )
    if after is not None:
        stmt = stmt.where(
            col(e.effective_at) >= after.effective_at,
            sa.or_(col(e.effective_at) > after.effective_at, col(e.id) > after.entry_id),
        )
    return [tuple(row) for row in (await session.execute(stmt)).all()]


async def _accounts(session: AsyncSession, owner_type: str, owner_id: str) -> dict[str, tuple[str, str]]:
    """The owner's accounts: id → (kind, currency)."""
    stmt = sa.select(LedgerAccount.id, LedgerAccount.kind, LedgerAccount.currency).where(  # type: ignore[call-overload]
        LedgerAccount.owner_type == owner_type, LedgerAccount.owner_id == owner_id
    )
    return {account: (kind, currency) for account, kind, currency in (await session.execute(stmt)).all()}


async def statement_lines(
    session: AsyncSession,
    owner_type: str,
    owner_id: str,
    since: datetime,
    until: datetime,
    after: LinesCursor | None,
    limit: int,
) -> tuple[list[dict[str, object]], LinesCursor | None]:
    """A page of the owner's lines in (effective_at, entry) order, and where the next one starts:
    each of the owner's few accounts read by index range (at most `limit + 1` rows each), merged."""
    accounts = await _accounts(session, owner_type, owner_id)
    pages = [
        [(*row, *accounts[account]) for row in await _account_page(session, account, since, until, after, limit + 1)]
        for account in sorted(accounts)
    ]
    merged = list(heapq.merge(*pages, key=lambda r: (r[0], r[1])))[: limit + 1]
    more = len(merged) > limit
    merged = merged[:limit]
    txns = {r[2] for r in merged}
    found = (
        (
            await session.execute(
                sa.select(JournalTransaction.id, JournalTransaction.reason, JournalTransaction.external_ref).where(  # type: ignore[call-overload]
                    col(JournalTransaction.id).in_(txns)
                )
            )
        ).all()
        if txns
        else []
    )
    about = {tid: (reason, ref) for tid, reason, ref in found}
    lines = [_line(at, tid, *about[tid], kind, currency, amount) for at, _, tid, amount, kind, currency in merged]
    await with_release_terms(session, lines)
    last = merged[-1] if merged and more else None
    return lines, (LinesCursor(last[0], last[1]) if last else None)


async def iter_lines(
    session: AsyncSession, owner_type: str, owner_id: str, since: datetime, until: datetime, page: int = 2000
) -> AsyncIterator[list[dict[str, object]]]:
    """Every line of the period, a page at a time (an export never holds more than one page)."""
    after: LinesCursor | None = None
    while True:
        lines, after = await statement_lines(session, owner_type, owner_id, since, until, after, page)
        if lines:
            yield lines
        if after is None:
            return


async def stream_lines(
    session: AsyncSession, owner_type: str, owner_id: str, since: datetime, until: datetime, page: int = 2000
) -> AsyncIterator[list[dict[str, object]]]:
    """Every line of the period in (effective_at, entry) order, as `iter_lines` pages them, from ONE
    query read through a server-side cursor, a page at a time: each account's index range, merged
    in order by the database (a merge of the UNION ALL branches, no sort), joined to its
    transactions. What an export streams; memory holds one page."""
    accounts = await _accounts(session, owner_type, owner_id)
    if not accounts:
        return
    entries, txns = LedgerEntry.__table__, JournalTransaction.__table__  # type: ignore[attr-defined]
    e, t = entries.c, txns.c
    ranges = [
        sa.select(e.effective_at, e.id, e.transaction_id, e.account_id, e.amount_minor).where(
            e.account_id == account, e.effective_at >= since, e.effective_at < until
        )
        for account in sorted(accounts)
    ]
    if session.get_bind().dialect.name == "postgresql":  # SQLite takes no ORDER BY in a UNION branch
        ranges = [branch.order_by(e.effective_at, e.id) for branch in ranges]
    merged = sa.union_all(*ranges).subquery() if len(ranges) > 1 else ranges[0].subquery()
    stmt = (
        sa.select(merged, t.reason, t.external_ref)
        .join(txns, t.id == merged.c.transaction_id)
        .order_by(merged.c.effective_at, merged.c.id)
        .execution_options(yield_per=page)
    )
    result = await session.stream(stmt)
    async for rows in result.partitions(page):
        yield [
            _line(at, tid, reason, ref, *accounts[account], amount) for at, _, tid, account, amount, reason, ref in rows
        ]
