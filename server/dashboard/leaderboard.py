"""The partner leaderboard and its per-link rows: the funnel's counts (clicks, viewers, orders,
GMV) with the commission the ledger accrued for the session's orders, net of reversals."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from commission.session_commission import session_commission
from distribution.models import FunnelOrder
from distribution.schemas import FunnelRow
from server.dashboard.schemas import LeaderRow


async def leaderboard(
    db: AsyncSession, session_id: str, partners: Sequence[FunnelRow], links: Sequence[FunnelRow]
) -> tuple[list[LeaderRow], list[LeaderRow]]:
    ledger = await session_commission(db, session_id)
    stmt = select(FunnelOrder.order_id, FunnelOrder.link_id).where(
        FunnelOrder.session_id == session_id, col(FunnelOrder.link_id).is_not(None)
    )
    link_of = dict((await db.exec(stmt)).all())
    by_link: dict[tuple[str | None, str], int] = defaultdict(int)
    for (order_id, partner_id), amount in ledger.by_order.items():
        by_link[(link_of.get(order_id), partner_id)] += amount
    return (
        [_row(p, ledger.by_partner.get(p.partner_id, 0)) for p in partners],
        [_row(link, by_link.get((link.link_id, link.partner_id), 0)) for link in links],
    )


def _row(row: FunnelRow, commission_minor: int) -> LeaderRow:
    return LeaderRow(**row.model_dump(), commission_minor=commission_minor)
