"""What freezing, reversing or refunding an order adds to the kept order totals, and adding it in
the caller's transaction.

One `INSERT … ON CONFLICT DO UPDATE` per change, its rows in (day, currency) order: the increment
is added to the row as committed (no lost update), and concurrent writers lock rows in one order
(an order's paid day is never after its refund's effective day), so they wait rather than deadlock."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel.ext.asyncio.session import AsyncSession

from commission.models import OrderCommission, OrderDailyTotal
from commission.totals.days import floor_day

MEASURES = ("paid_minor", "paid_count", "earned_minor", "refunds_minor", "refund_count")
Key = tuple[date, str]  # UTC day, currency


def _deltas() -> defaultdict[Key, dict[str, int]]:
    return defaultdict(lambda: dict.fromkeys(MEASURES, 0))


async def orders_paid(session: AsyncSession, orders: Sequence[OrderCommission]) -> None:
    """New frozen orders: their amount, count and partner + parent split on their paid day."""
    rows = _deltas()
    for order in orders:
        row = rows[(floor_day(order.paid_at), order.currency)]
        row["paid_minor"] += order.amount_minor
        row["paid_count"] += 1
        row["earned_minor"] += order.partner_minor + order.parent_minor
    await _add(session, rows)


async def order_reversed(
    session: AsyncSession,
    order: OrderCommission,
    reversed_minor: int,
    refund: tuple[datetime, int] | None = None,
) -> None:
    """The partner + parent reversal (negative: given back) on the order's paid day, and the refund
    applied (effective at, applied amount; negative for a failed refund's compensation)."""
    rows = _deltas()
    rows[(floor_day(order.paid_at), order.currency)]["earned_minor"] -= reversed_minor
    if refund is not None:
        row = rows[(floor_day(refund[0]), order.currency)]
        row["refunds_minor"] += refund[1]
        row["refund_count"] += 1
    await _add(session, rows)


async def _add(session: AsyncSession, rows: dict[Key, dict[str, int]]) -> None:
    if not rows:
        return
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt: Any = dialect.insert(OrderDailyTotal)
    table = OrderDailyTotal.__table__.c  # type: ignore[attr-defined]
    stmt = stmt.on_conflict_do_update(
        index_elements=["day", "currency"],
        set_={m: table[m] + stmt.excluded[m] for m in MEASURES},
    )
    await session.execute(stmt, [{"day": d, "currency": c, **v} for (d, c), v in sorted(rows.items())])
