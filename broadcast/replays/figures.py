"""A session's sales and views with the live and the replay apart: an order paid from the moment
the recording was attached is a replay sale (GMV net of refunds, as on the dashboard)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout.models import Order, OrderState
from broadcast.models import Brand, LiveSession
from broadcast.replays.schemas import ReplayFigures
from broadcast.replays.views import views_by_ref

SOLD = (OrderState.PAID, OrderState.PARTIALLY_REFUNDED, OrderState.REFUNDED)


async def _sold(session: AsyncSession, live: LiveSession, replay: bool) -> tuple[int, int]:
    """(orders, GMV net of refunds) paid during the live and after it (False), or in the replay (True)."""
    if replay and live.replay_started_at is None:
        return 0, 0
    net = col(Order.amount_minor) - col(Order.refunded_minor)
    stmt = sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(net), 0)).where(
        col(Order.session_id) == live.id, col(Order.state).in_([s.value for s in SOLD])
    )
    if live.replay_started_at is not None:
        since = col(Order.paid_at) >= live.replay_started_at
        stmt = stmt.where(since if replay else sa.not_(since))
    count, gmv = (await session.execute(stmt)).one()
    return int(count), int(gmv)


async def replay_figures(session: AsyncSession, live: LiveSession) -> ReplayFigures:
    brand = await session.get(Brand, live.brand_id)
    live_orders, live_gmv = await _sold(session, live, replay=False)
    replay_orders, replay_gmv = await _sold(session, live, replay=True)
    return ReplayFigures(
        session_id=live.id,
        currency=brand.default_currency if brand else "",
        live_orders=live_orders,
        live_gmv_minor=live_gmv,
        replay_views=sum((await views_by_ref(session, live.id)).values()),
        replay_orders=replay_orders,
        replay_gmv_minor=replay_gmv,
    )
