"""The order side of the reconciliation for any period, read from the kept order totals.

[since, until) = the whole UTC days' rows of `order_daily_totals` ± raw records of the partial first
and last days (`commission/totals/days.py`; index ranges on `order_commissions.paid_at` and
`commission_refunds.effective_at`). So the report costs the same at a thousand orders and at a million."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from commission.models import OrderCommission, OrderDailyTotal, RefundRecord
from commission.totals.days import split_days

Sums = dict[str, dict[str, int]]  # currency → measure → amount
EARNED = (
    col(OrderCommission.partner_minor)
    + col(OrderCommission.parent_minor)
    - col(OrderCommission.partner_reversed_minor)
    - col(OrderCommission.parent_reversed_minor)
)


async def order_sums(session: AsyncSession, since: datetime | None, until: datetime) -> Sums:
    """Per currency: `paid_minor`, `earned_minor` (frozen partner + parent splits less their
    reversals) of the orders paid in [since, until), and `refunds_minor` applied in it (since None:
    from the first order)."""
    sums: Sums = defaultdict(lambda: defaultdict(int))
    split = split_days(since, until)
    for first, end, sign in split.days:
        await _days(session, sums, first, end, sign)
    for start, stop, sign in split.raw:
        await _raw(session, sums, start, stop, sign)
    # a currency is there when some record makes it up, as when the records are summed directly
    return {c: {k: v for k, v in m.items() if k != "records"} for c, m in sums.items() if m["records"]}


async def _days(session: AsyncSession, sums: Sums, first: date | None, end: date | None, sign: int) -> None:
    d = OrderDailyTotal
    stmt = sa.select(  # type: ignore[call-overload]
        d.currency,
        sa.func.sum(d.paid_minor),
        sa.func.sum(d.earned_minor),
        sa.func.sum(d.refunds_minor),
        sa.func.sum(col(d.paid_count) + col(d.refund_count)),
    ).group_by(d.currency)
    if first is not None:
        stmt = stmt.where(col(d.day) >= first)
    if end is not None:
        stmt = stmt.where(col(d.day) < end)
    for currency, paid, earned, refunds, records in (await session.execute(stmt)).all():
        _add(sums, currency, sign, (paid, earned, refunds, records))


async def _raw(session: AsyncSession, sums: Sums, since: datetime, until: datetime, sign: int) -> None:
    oc, rr = OrderCommission, RefundRecord
    count = sa.func.count()
    orders = sa.select(oc.currency, sa.func.sum(oc.amount_minor), sa.func.sum(EARNED), count).group_by(oc.currency)  # type: ignore[call-overload]
    refunds = sa.select(rr.currency, sa.func.sum(rr.applied_minor), count).group_by(rr.currency)  # type: ignore[call-overload]
    orders = _between(orders, col(oc.paid_at), since, until)
    refunds = _between(refunds.where(col(rr.effective_at).is_not(None)), col(rr.effective_at), since, until)
    for currency, paid, earned, records in (await session.execute(orders)).all():
        _add(sums, currency, sign, (paid, earned, 0, records))
    for currency, refunded, records in (await session.execute(refunds)).all():
        _add(sums, currency, sign, (0, 0, refunded, records))


def _between(stmt: Any, column: Any, since: datetime, until: datetime) -> Any:
    return stmt.where(column >= since, column < until)


def _add(sums: Sums, currency: str, sign: int, values: tuple[Any, ...]) -> None:
    row = sums[currency]
    for name, value in zip(("paid_minor", "earned_minor", "refunds_minor", "records"), values, strict=True):
        row[name] += sign * int(value or 0)
