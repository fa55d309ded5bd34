"""An expired group's refunded seats give their unit back: the sale is undone, not just repaid.

Checkout's refunds leave units sold (goods may already have shipped); a group that never filled
shipped nothing, so its sold unit returns to the SKU's stock — once per seat, guarded by the
seat's `restocked_at` with a conditional UPDATE."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout import states, stock
from broadcast.checkout.closing import lines_of, lock_order
from broadcast.checkout.models import OrderState, StockCounter
from broadcast.groupbuy.models import GroupMember
from broadcast.models import Sku
from server.kernel.clock import utcnow

SKU: Any = Sku.__table__  # type: ignore[attr-defined]
CTR: Any = StockCounter.__table__  # type: ignore[attr-defined]
MEMBERS: Any = GroupMember.__table__  # type: ignore[attr-defined]
NO_SYNC = {"synchronize_session": False}


async def restock_refunded_seat(session: AsyncSession, member_id: str, order_id: str) -> bool:
    """In the caller's transaction (commit after): False if already done or not refunded."""
    order = await lock_order(session, order_id)  # order first, as every path that moves stock
    if order is None or order.state != OrderState.REFUNDED:
        return False
    claimed = await session.execute(
        sa.update(MEMBERS)
        .where(MEMBERS.c.id == member_id, MEMBERS.c.restocked_at.is_(None))
        .values(restocked_at=utcnow()),
        execution_options=NO_SYNC,
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return False
    lines = await lines_of(session, order_id)
    for line in lines:
        await session.execute(
            sa.update(SKU).where(SKU.c.id == line.sku_id).values(stock=SKU.c.stock + line.quantity),
            execution_options=NO_SYNC,
        )
        await session.execute(
            sa.update(CTR)
            .where(CTR.c.session_id == order.session_id, CTR.c.sku_id == line.sku_id, CTR.c.sold_units >= line.quantity)
            .values(sold_units=CTR.c.sold_units - line.quantity),
            execution_options=NO_SYNC,
        )
    states.note(session, order, "group_expired_restocked")
    await stock.announce(session, order.session_id, [line.sku_id for line in lines])
    return True
