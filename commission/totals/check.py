"""The kept totals recomputed from the entries: every difference listed (`zhixiang ledger
check-totals`), and a rebuild for data loaded around the posting code (bulk loads, repairs)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from server.kernel.db import is_postgres

DAY_PG = "CAST(timezone('UTC', e.effective_at) AS date)"
DAY_SQLITE = "date(e.effective_at)"
FROM_ENTRIES = """
SELECT e.account_id, {day} AS day, t.reason, e.currency, SUM(e.amount_minor) AS amount_minor, COUNT(*) AS entry_count
FROM ledger_entries e JOIN journal_transactions t ON t.id = e.transaction_id
GROUP BY e.account_id, {day}, t.reason, e.currency
"""
KEPT_DAILY = "SELECT account_id, day, reason, currency, amount_minor, entry_count FROM ledger_daily_totals"
KEPT_RUNNING = "SELECT account_id, reason, currency, amount_minor, entry_count FROM ledger_account_totals"


@dataclass(frozen=True, slots=True)
class TotalsDifference:
    table: str  # ledger_daily_totals or ledger_account_totals
    key: tuple[str, ...]
    kept: tuple[int, int]  # amount, entries (0, 0 when the row is missing)
    from_entries: tuple[int, int]

    def describe(self) -> str:
        return (
            f"{self.table} {'/'.join(self.key)}: kept {self.kept[0]} ({self.kept[1]} entries), "
            f"entries say {self.from_entries[0]} ({self.from_entries[1]} entries)"
        )


def _day_sql(session: AsyncSession) -> str:
    return DAY_PG if is_postgres(session) else DAY_SQLITE


async def _rows(session: AsyncSession, sql: str, width: int) -> dict[tuple[str, ...], tuple[int, int]]:
    out: dict[tuple[str, ...], tuple[int, int]] = {}
    for row in (await session.execute(sa.text(sql))).all():
        out[tuple(str(v) for v in row[:width])] = (int(row[width]), int(row[width + 1]))
    return out


def _differences(
    table: str, kept: dict[Any, tuple[int, int]], found: dict[Any, tuple[int, int]]
) -> list[TotalsDifference]:
    return [
        TotalsDifference(table, key, kept.get(key, (0, 0)), found.get(key, (0, 0)))
        for key in sorted(set(kept) | set(found))
        if kept.get(key, (0, 0)) != found.get(key, (0, 0))
    ]


async def check_totals(session: AsyncSession) -> list[TotalsDifference]:
    """Every kept row that differs from the entries' sums (missing rows count as zero)."""
    found_daily = await _rows(session, FROM_ENTRIES.format(day=_day_sql(session)), 4)
    found_running: dict[tuple[str, ...], tuple[int, int]] = {}
    for (account, _, reason, currency), (amount, count) in found_daily.items():
        a, n = found_running.get((account, reason, currency), (0, 0))
        found_running[(account, reason, currency)] = (a + amount, n + count)
    kept_daily = await _rows(session, KEPT_DAILY, 4)
    kept_running = await _rows(session, KEPT_RUNNING, 3)
    # a row incremented back to nothing (amount and entries 0) cannot happen: entries only add
    return _differences("ledger_daily_totals", kept_daily, found_daily) + _differences(
        "ledger_account_totals", kept_running, found_running
    )


async def rebuild_totals(session: AsyncSession) -> None:
    """Recompute both tables from the entries (the caller commits). On PostgreSQL the entries are
    locked against new postings meanwhile, so nothing posted during the rebuild is lost."""
    if is_postgres(session):
        await session.execute(sa.text("LOCK TABLE ledger_entries IN SHARE MODE"))
    await session.execute(sa.text("DELETE FROM ledger_account_totals"))
    await session.execute(sa.text("DELETE FROM ledger_daily_totals"))
    columns = "account_id, day, reason, currency, amount_minor, entry_count"
    await session.execute(
        sa.text(f"INSERT INTO ledger_daily_totals ({columns}) {FROM_ENTRIES.format(day=_day_sql(session))}")
    )
    await session.execute(
        sa.text(
            "INSERT INTO ledger_account_totals (account_id, reason, currency, amount_minor, entry_count) "
            "SELECT account_id, reason, currency, SUM(amount_minor), SUM(entry_count) FROM ledger_daily_totals "
            "GROUP BY account_id, reason, currency"
        )
    )
