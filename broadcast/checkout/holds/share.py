"""At most a share of a SKU's unsold units in a session (free + held unpaid) may be held unpaid at
once (`BrandSettings.unpaid_hold_share_bps`, default 3000 = 30 %; never less than one unit).

Where it is decided: in the winner's transaction, right after `stock.reserve` took the units. That
UPDATE holds the SKU's row lock and its session counter's to the commit, so every checkout of the
SKU passes this check one after another and sees the others' holds: the cap is exact (tolerance
zero), on PostgreSQL and SQLite alike, and costs one read of two rows this transaction already
locked. The stock gate is not asked: it only admits (the database refuses), and it does not know
paid from unpaid. A refused checkout rolls back and gives its gate units back like any failure.

The base shrinks as orders are paid (sold units leave it), and a lapsed hold leaves `reserved_units`
when the sweeper (or a read) closes it."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout.holds.problems import exhausted
from broadcast.checkout.models import Order, OrderLine, StockCounter
from broadcast.checkout.states import UNPAID
from broadcast.checkout.stock import Level
from broadcast.models import LineupItem, Sku
from server.kernel.clock import utcnow
from server.kernel.problems import InvalidInput

BPS = 10_000


def share_cap(unsold_units: int, share_bps: int) -> int:
    """Units that may be held unpaid: the share rounded up, and at least one."""
    return max(1, -(-unsold_units * share_bps // BPS))


async def check_share(
    session: AsyncSession,
    session_id: str,
    sku_id: str,
    share_bps: int,
    quantity: int,
    level: Level | None = None,
) -> None:
    """Call after `stock.reserve` took `quantity` units of `sku_id` in this transaction; pass the
    level it returned to spare a read while the SKU's row lock is held."""
    held, unsold = (
        (level.held, level.available + level.held) if level else await _held_and_unsold(session, session_id, sku_id)
    )
    cap = share_cap(unsold, share_bps)
    if held <= cap:
        return
    if held == quantity:  # nobody else holds any: this one order is simply larger than the cap
        raise InvalidInput(
            f"at most {cap} unit(s) of SKU {sku_id} can be held unpaid at once in this session",
            extra={"errors": [{"field": "quantity", "message": f"at most {cap}"}], "sku_id": sku_id},
        )
    raise exhausted(
        f"{held - quantity} of the {unsold} unsold unit(s) of SKU {sku_id} are already held by unpaid orders "
        f"(at most {cap} at once): retry when the oldest hold lapses",
        await _oldest_hold(session, session_id, sku_id) or utcnow(),
        scope="sku-share",
        sku_id=sku_id,
        limit=cap,
    )


async def _held_and_unsold(session: AsyncSession, session_id: str, sku_id: str) -> tuple[int, int]:
    sku, ctr = Sku.__table__, StockCounter.__table__  # type: ignore[attr-defined]
    stmt = (
        sa.select(sku.c.stock, ctr.c.reserved_units, ctr.c.sold_units, col(LineupItem.limited_quantity))
        .select_from(sku)
        .join(ctr, sa.and_(ctr.c.sku_id == sku.c.id, ctr.c.session_id == session_id))
        .outerjoin(LineupItem, sa.and_(col(LineupItem.sku_id) == sku.c.id, col(LineupItem.session_id) == session_id))
        .where(sku.c.id == sku_id)
    )
    free, held, sold, limited = (await session.execute(stmt)).one()
    if limited is not None:
        free = min(free, max(0, limited - held - sold))
    return int(held), int(free) + int(held)


async def _oldest_hold(session: AsyncSession, session_id: str, sku_id: str) -> datetime | None:
    stmt = (
        sa.select(sa.func.min(col(Order.reserved_until)))
        .join(OrderLine, col(OrderLine.order_id) == col(Order.id))
        .where(
            col(Order.session_id) == session_id,
            col(OrderLine.sku_id) == sku_id,
            col(Order.state).in_([s.value for s in UNPAID]),
        )
    )
    oldest: datetime | None = (await session.execute(stmt)).scalar_one()
    return oldest
