"""The funnel's replay columns: replay viewers per link (counted by the room page, once per viewer)
and the orders paid during the replay, apart from the live's (each order is in `orders` too)."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import LiveSession
from broadcast.replays.views import views_by_ref
from distribution.models import FunnelOrder
from distribution.schemas import FunnelRow


async def add_replay(
    session: AsyncSession, live: LiveSession, rows: dict[str, FunnelRow], partners: dict[str, FunnelRow]
) -> None:
    """Fill `replay_views`, `replay_orders` and `replay_gmv_minor` of the link and partner rows in scope."""
    if live.replay_started_at is None:
        return
    by_code = {row.code: row for row in rows.values() if row.code}
    for ref, count in (await views_by_ref(session, live.id)).items():
        if ref is not None and (row := by_code.get(ref)) is not None:
            row.replay_views += count
            partners[row.partner_id].replay_views += count
    for partner_id, link_id, orders, gmv in await _replay_orders(session, live):
        for row in (partners.get(partner_id), rows.get(link_id) if link_id else None):
            if row is not None:
                row.replay_orders += orders
                row.replay_gmv_minor += gmv


async def _replay_orders(session: AsyncSession, live: LiveSession) -> list[tuple[str, str | None, int, int]]:
    o = FunnelOrder
    net = func.coalesce(func.sum(col(o.amount_minor) - col(o.refunded_minor)), 0)
    stmt = (
        select(o.partner_id, o.link_id, func.count(), net)
        .where(o.session_id == live.id, col(o.paid_at) >= live.replay_started_at)
        .group_by(col(o.partner_id), col(o.link_id))
    )
    return [(p, link, int(n), int(g)) for p, link, n, g in (await session.exec(stmt)).all()]
