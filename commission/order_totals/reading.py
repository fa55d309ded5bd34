"""The order side of the reconciliation for any period, read from the kept order totals.

[since, until) = the whole UTC days' rows of `order_daily_totals` + the raw records of the partial
first and last days (index ranges: `order_commissions.paid_at`, `commission_refunds.effective_at`).
So the report costs the same at a thousand orders and at a million."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from commission.models import OrderCommission, OrderDailyTotal, RefundRecord
from commission.totals.days import DaySplit, split_days

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
    if split.whole_days:
        await _days(session, sums, split)
    for start, end in split.partial:
        await _raw(session, sums, start, end)
    return {currency: dict(measures) for currency, measures in sums.items()}


async def _days(session: AsyncSession, sums: Sums, split: DaySplit) -> None:
    d = OrderDailyTotal
    stmt = sa.select(  # type: ignore[call-overload]
        d.currency, sa.func.sum(d.paid_minor), sa.func.sum(d.earned_minor), sa.func.sum(d.refunds_minor)
    ).group_by(d.currency)
    if split.first is not None:
        stmt = stmt.where(col(d.day) >= split.first)
    if split.end is not None:
        stmt = stmt.where(col(d.day) < split.end)
    for currency, paid, earned, refunds in (await session.execute(stmt)).all():
        _add(sums, currency, paid, earned, refunds)


async def _raw(session: AsyncSession, sums: Sums, since: datetime | None, until: datetime | None) -> None:
    oc, rr = OrderCommission, RefundRecord
    orders = sa.select(oc.currency, sa.func.sum(oc.amount_minor), sa.func.sum(EARNED)).group_by(oc.currency)  # type: ignore[call-overload]
    refunds = sa.select(rr.currency, sa.func.sum(rr.applied_minor)).group_by(rr.currency)  # type: ignore[call-overload]
    orders = _between(orders, col(oc.paid_at), since, until)
    refunds = _between(refunds.where(col(rr.effective_at).is_not(None)), col(rr.effective_at), since, until)
    for currency, paid, earned in (await session.execute(orders)).all():
        _add(sums, currency, paid, earned, 0)
    for currency, refunded in (await session.execute(refunds)).all():
        _add(sums, currency, 0, 0, refunded)


def _between(stmt: Any, column: Any, since: datetime | None, until: datetime | None) -> Any:
    if since is not None:
        stmt = stmt.where(column >= since)
    return stmt.where(column < until) if until is not None else stmt


def _add(sums: Sums, currency: str, paid: Any, earned: Any, refunds: Any) -> None:
    row = sums[currency]
    row["paid_minor"] += int(paid or 0)
    row["earned_minor"] += int(earned or 0)
    row["refunds_minor"] += int(refunds or 0)
