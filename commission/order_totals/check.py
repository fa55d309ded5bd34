"""The kept order totals recomputed from `order_commissions` and `commission_refunds`: every
difference listed (`zhixiang ledger check-totals`), and a rebuild for rows loaded around the code
that keeps them (bulk loads, repairs)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from commission.order_totals.posting import MEASURES
from commission.totals import TotalsDifference
from server.kernel.db import is_postgres

TABLE = "order_daily_totals"
DAY_PG = "CAST(timezone('UTC', {at}) AS date)"
DAY_SQLITE = "date({at})"
FROM_RECORDS = """
SELECT day, currency, SUM(paid_minor), SUM(paid_count), SUM(earned_minor), SUM(refunds_minor), SUM(refund_count)
FROM (
  SELECT {paid_day} AS day, currency, amount_minor AS paid_minor, 1 AS paid_count,
         partner_minor + parent_minor - partner_reversed_minor - parent_reversed_minor AS earned_minor,
         0 AS refunds_minor, 0 AS refund_count
  FROM order_commissions
  UNION ALL
  SELECT {refund_day}, currency, 0, 0, 0, applied_minor, 1
  FROM commission_refunds WHERE effective_at IS NOT NULL
) AS records
GROUP BY day, currency
"""
# each amount with the count that makes it up
COUNTED_BY = {"paid_minor": "paid_count", "earned_minor": "paid_count", "refunds_minor": "refund_count"}
COLUMNS = "day, currency, paid_minor, paid_count, earned_minor, refunds_minor, refund_count"  # MEASURES' order
KEPT = "SELECT day, currency, paid_minor, paid_count, earned_minor, refunds_minor, refund_count FROM order_daily_totals"


def _from_records(session: AsyncSession) -> str:
    day = DAY_PG if is_postgres(session) else DAY_SQLITE
    return FROM_RECORDS.format(paid_day=day.format(at="paid_at"), refund_day=day.format(at="effective_at"))


async def _rows(session: AsyncSession, sql: str) -> dict[tuple[str, ...], tuple[int, ...]]:
    rows = (await session.execute(sa.text(sql))).all()
    return {(str(r[0]), str(r[1])): tuple(int(v or 0) for v in r[2:]) for r in rows}


async def check_order_totals(session: AsyncSession) -> list[TotalsDifference]:
    """Every kept (day, currency, measure) that differs from the records' sums, with its count (a
    missing row counts as zeros)."""
    kept, found = await _rows(session, KEPT), await _rows(session, _from_records(session))
    return [
        TotalsDifference(TABLE, (*key, name), _pair(kept, key, name), _pair(found, key, name))
        for key in sorted(set(kept) | set(found))
        for name in COUNTED_BY
        if _pair(kept, key, name) != _pair(found, key, name)
    ]


def _pair(rows: dict[tuple[str, ...], tuple[int, ...]], key: tuple[str, ...], name: str) -> tuple[int, int]:
    values = rows.get(key, (0,) * len(MEASURES))
    return values[MEASURES.index(name)], values[MEASURES.index(COUNTED_BY[name])]


async def rebuild_order_totals(session: AsyncSession) -> None:
    """Recompute the table from the records (the caller commits). On PostgreSQL both record tables
    are locked against writes meanwhile, so nothing frozen or refunded during the rebuild is lost."""
    if is_postgres(session):
        await session.execute(sa.text("LOCK TABLE order_commissions, commission_refunds IN SHARE MODE"))
    await session.execute(sa.text("DELETE FROM order_daily_totals"))
    await session.execute(sa.text("INSERT INTO order_daily_totals (" + COLUMNS + ") " + _from_records(session)))
