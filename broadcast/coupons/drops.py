"""Dropping a coupon into a live room (the brand), and the room's coupons as a viewer sees them."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.coupons.definitions import label_of
from broadcast.coupons.models import Coupon, CouponClaim, CouponDrop
from broadcast.coupons.problems import CouponInactive, CouponNotValidNow
from broadcast.coupons.schemas import RoomCouponPublic
from broadcast.models import LiveSession, SessionState
from broadcast.transitions import SessionNotLive
from server.kernel.clock import utcnow
from server.kernel.contracts import CouponDropped
from server.kernel.ids import new_id
from server.kernel.outbox import emit
from server.kernel.principal import Principal
from server.kernel.problems import NotFound


def room_view(coupon: Coupon, drop: CouponDrop, claimed_by_me: int = 0) -> RoomCouponPublic:
    return RoomCouponPublic(
        coupon_id=coupon.id,
        title=coupon.title,
        label=label_of(coupon),
        amount_off_minor=coupon.amount_off_minor,
        currency=coupon.currency,
        percent_off_bps=coupon.percent_off_bps,
        min_spend_minor=coupon.min_spend_minor,
        remaining=coupon.total_limit - coupon.claimed,
        per_buyer_limit=coupon.per_buyer_limit,
        valid_from=coupon.valid_from,
        valid_until=coupon.valid_until,
        active=coupon.active,
        claimed_by_me=claimed_by_me,
        dropped_at=drop.dropped_at,
        closed_at=drop.closed_at,
    )


async def coupon_of_session(session: AsyncSession, live: LiveSession, coupon_id: str) -> Coupon:
    """The coupon, if it is the session's brand's (another brand's coupon is a 404, like a missing one)."""
    coupon = await session.get(Coupon, coupon_id)
    if coupon is None or coupon.brand_id != live.brand_id:
        raise NotFound.of("coupon", coupon_id)
    return coupon


async def session_or_404(session: AsyncSession, session_id: str) -> LiveSession:
    live = await session.get(LiveSession, session_id)
    if live is None:
        raise NotFound.of("session", session_id)
    return live


class DropService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def drop(self, principal: Principal, session_id: str, coupon_id: str) -> CouponDrop:
        """Live sessions only (a scheduled room has nobody to claim). Dropping again re-announces it."""
        live = await session_or_404(self.session, session_id)
        principal.ensure_brand(live.brand_id, "session", session_id)
        coupon = await coupon_of_session(self.session, live, coupon_id)
        if live.state != SessionState.LIVE:
            raise SessionNotLive(f"this session is {live.state}; drop coupons while it is live")
        if not coupon.active:
            raise CouponInactive(f"coupon {coupon_id} was deactivated")
        if utcnow() >= coupon.valid_until:
            raise CouponNotValidNow(f"coupon {coupon_id} expired at {coupon.valid_until.isoformat()}")
        drop = await self.find(session_id, coupon_id) or CouponDrop(
            id=new_id("cpd"), coupon_id=coupon_id, session_id=session_id
        )
        self.session.add(drop)
        emit(self.session, CouponDropped.model_validate(dropped_payload(coupon, drop)), session_id)
        await self.session.commit()
        return drop

    async def find(self, session_id: str, coupon_id: str) -> CouponDrop | None:
        stmt = select(CouponDrop).where(CouponDrop.session_id == session_id, CouponDrop.coupon_id == coupon_id)
        return (await self.session.exec(stmt)).first()

    async def room(self, session_id: str, visitor_id: str | None) -> list[RoomCouponPublic]:
        await session_or_404(self.session, session_id)
        stmt = (
            select(Coupon, CouponDrop)
            .join(CouponDrop, col(CouponDrop.coupon_id) == col(Coupon.id))
            .where(CouponDrop.session_id == session_id)
            .order_by(col(CouponDrop.dropped_at), col(CouponDrop.id))
        )
        rows = (await self.session.exec(stmt)).all()
        mine = await self._claimed_by(visitor_id, [c.id for c, _ in rows])
        return [room_view(c, d, mine.get(c.id, 0)) for c, d in rows]

    async def _claimed_by(self, visitor_id: str | None, coupon_ids: list[str]) -> dict[str, int]:
        if not visitor_id or not coupon_ids:
            return {}
        stmt = (
            sa.select(col(CouponClaim.coupon_id), sa.func.count())
            .where(col(CouponClaim.visitor_id) == visitor_id, col(CouponClaim.coupon_id).in_(coupon_ids))
            .group_by(col(CouponClaim.coupon_id))
        )
        return {str(k): int(n) for k, n in (await self.session.execute(stmt)).all()}


def dropped_payload(coupon: Coupon, drop: CouponDrop) -> dict[str, Any]:
    """The `CouponDropped` payload: the room card, JSON-ready (Decimal bps as a number)."""
    return {
        "session_id": drop.session_id,
        "brand_id": coupon.brand_id,
        **room_view(coupon, drop).model_dump(mode="json", exclude={"claimed_by_me", "closed_at"}),
    }
