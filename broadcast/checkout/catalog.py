"""What a viewer may buy in a session, at which price, and how many: the checks shared by the
cart and checkout. Prices come from here (live price if set and still applying — see
`broadcast.replay_pricing` — else the SKU's), never the client."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout.models import Order, OrderLine
from broadcast.checkout.states import OPEN_STATES
from broadcast.models import Brand, LineupItem, LiveSession, SessionState, Sku, SkuStatus
from broadcast.replay_pricing import live_price_applies
from broadcast.schemas import BrandSettings
from broadcast.transitions import can_sell
from server.kernel.clock import utcnow
from server.kernel.problems import Conflict, InvalidInput, NotFound


class SessionNotSelling(Conflict):
    slug, title = "session-not-selling", "This live session does not sell now"


class BuyerLimitExceeded(InvalidInput):
    slug, title = "buyer-limit-exceeded", "More than one buyer may take of this SKU"


@dataclass(frozen=True)
class Offer:
    sku: Sku
    item: LineupItem
    live_price: bool = True  # False: a replay past its live-price days sells at the list price

    @property
    def unit_price_minor(self) -> int:
        if self.live_price and self.item.live_price_minor is not None:
            return self.item.live_price_minor
        return self.sku.price_minor


async def live_price_now(session: AsyncSession, live: LiveSession) -> bool:
    """Whether the session's live prices apply now (always, but for a replay past its window)."""
    brand = await session.get(Brand, live.brand_id)
    return live_price_applies(live, BrandSettings.model_validate(brand.settings if brand else {}), utcnow())


async def selling_session(session: AsyncSession, session_id: str) -> tuple[LiveSession, BrandSettings]:
    live = await session.get(LiveSession, session_id)
    if live is None:
        raise NotFound.of("session", session_id)
    if not can_sell(SessionState(live.state)):
        raise SessionNotSelling(f"this session is {live.state}; it no longer sells")
    brand = await session.get(Brand, live.brand_id)
    return live, BrandSettings.model_validate(brand.settings if brand else {})


async def offer(session: AsyncSession, session_id: str, sku_id: str) -> Offer:
    stmt = (
        select(LineupItem, Sku)
        .join(Sku, Sku.id == LineupItem.sku_id)  # type: ignore[arg-type]
        .where(LineupItem.session_id == session_id, LineupItem.sku_id == sku_id)
    )
    row = (await session.exec(stmt)).first()
    if row is None or row[1].status != SkuStatus.ACTIVE:
        raise InvalidInput(
            f"SKU {sku_id!r} is not on sale in this session's line-up",
            extra={"errors": [{"field": "sku_id", "message": "not in this session's line-up"}]},
        )
    live = await session.get(LiveSession, session_id)
    return Offer(sku=row[1], item=row[0], live_price=live is None or await live_price_now(session, live))


async def bought_units(session: AsyncSession, session_id: str, visitor_id: str, sku_id: str) -> int:
    """Units of a SKU this viewer already holds or bought in this session (open orders)."""
    stmt = (
        sa.select(sa.func.coalesce(sa.func.sum(col(OrderLine.quantity)), 0))
        .join(Order, col(Order.id) == col(OrderLine.order_id))
        .where(
            col(Order.session_id) == session_id,
            col(Order.visitor_id) == visitor_id,
            col(OrderLine.sku_id) == sku_id,
            col(Order.state).in_([s.value for s in OPEN_STATES]),
        )
    )
    return int((await session.execute(stmt)).scalar_one())


async def check_buyer_limit(
    session: AsyncSession, session_id: str, visitor_id: str, sku_id: str, quantity: int, limit: int
) -> None:
    already = await bought_units(session, session_id, visitor_id, sku_id)
    if already + quantity > limit:
        raise BuyerLimitExceeded(
            f"one viewer may buy at most {limit} of this SKU in this session; you have {already} already",
            extra={
                "errors": [{"field": "quantity", "message": f"at most {max(0, limit - already)} more"}],
                "limit": limit,
            },
        )
