"""The database's side of the gate: what a session's gate is built from, and what the reconcile
pass compares it with. Read in a short session of its own, never under a checkout's locks."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout import catalog, stock
from broadcast.checkout.gate.port import GateStock
from broadcast.checkout.models import Order, OrderLine
from broadcast.checkout.states import OPEN_STATES
from broadcast.models import LineupItem
from server.kernel.problems import Problem

OPEN = [s.value for s in OPEN_STATES]


async def units_left(session: AsyncSession, session_id: str) -> dict[str, int]:
    """Units still available per line-up SKU (stock and the session's limited quantity)."""
    stmt = sa.select(col(LineupItem.sku_id)).where(col(LineupItem.session_id) == session_id)
    sku_ids = sorted((await session.execute(stmt)).scalars().all())
    return {sku_id: (await stock.snapshot(session, session_id, sku_id))[0] for sku_id in sku_ids}


async def _bought(session: AsyncSession, session_id: str) -> dict[tuple[str, str], int]:
    stmt = (
        sa.select(col(Order.visitor_id), col(OrderLine.sku_id), sa.func.sum(col(OrderLine.quantity)))
        .join(Order, col(Order.id) == col(OrderLine.order_id))
        .where(col(Order.session_id) == session_id, col(Order.state).in_(OPEN))
        .group_by(col(Order.visitor_id), col(OrderLine.sku_id))
    )
    return {(vid, sku): int(n) for vid, sku, n in (await session.execute(stmt)).all()}


async def _won(session: AsyncSession, session_id: str) -> set[tuple[str, str]]:
    stmt = sa.select(col(Order.visitor_id), col(Order.idempotency_key)).where(
        col(Order.session_id) == session_id, col(Order.state).in_(OPEN)
    )
    return {(vid, key) for vid, key in (await session.execute(stmt)).all()}


async def selling_units_left(session: AsyncSession, session_id: str) -> dict[str, int] | None:
    """What the reconcile pass compares with; None if the session does not sell now."""
    try:
        await catalog.selling_session(session, session_id)
    except Problem:
        return None
    return await units_left(session, session_id)


async def gate_stock(session: AsyncSession, session_id: str) -> GateStock | None:
    """The session's gate as the database sees it; None if the session does not sell now."""
    try:
        _, policy = await catalog.selling_session(session, session_id)
    except Problem:
        return None
    return GateStock(
        per_buyer_limit=policy.per_buyer_limit_per_sku,
        left=await units_left(session, session_id),
        bought=await _bought(session, session_id),
        won=await _won(session, session_id),
    )
