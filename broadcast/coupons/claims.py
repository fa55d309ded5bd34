"""A viewer claims a dropped coupon. Exactly `total_limit` claims can ever succeed: the coupon's
counter moves with one conditional UPDATE (like `broadcast.checkout.stock`), which also takes the
coupon's row lock, so claims of one coupon are serialised until commit; the per-buyer count is
read after that lock (a fresh snapshot per statement on PostgreSQL), and the unique
(coupon, visitor, claim_no) index backs it up."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.coupons.drops import DropService, coupon_of_session, session_or_404
from broadcast.coupons.models import Coupon, CouponClaim
from broadcast.coupons.problems import CouponClaimLimit, CouponExhausted, CouponNotDropped
from broadcast.coupons.validity import ensure_usable
from broadcast.models import SessionState
from broadcast.transitions import SessionNotLive
from server.kernel.clock import utcnow
from server.kernel.contracts import CouponClaimed
from server.kernel.ids import new_id
from server.kernel.outbox import emit

CPN: Any = Coupon.__table__  # type: ignore[attr-defined]


class ClaimService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def claim(self, session_id: str, coupon_id: str, visitor_id: str) -> tuple[CouponClaim, int]:
        """(the new claim, coupon units left). Any problem rolls everything back."""
        try:
            return await self._claim(session_id, coupon_id, visitor_id)
        except IntegrityError:  # the same visitor's twin claim took this claim_no first
            await self.session.rollback()
            raise CouponClaimLimit("you already claimed this coupon") from None
        except BaseException:
            await self.session.rollback()
            raise

    async def _claim(self, session_id: str, coupon_id: str, visitor_id: str) -> tuple[CouponClaim, int]:
        coupon = await self._claimable(session_id, coupon_id)
        result: Any = await self.session.execute(
            sa.update(CPN)
            .where(CPN.c.id == coupon_id, CPN.c.claimed < CPN.c.total_limit)
            .values(claimed=CPN.c.claimed + 1)
            .returning(CPN.c.total_limit - CPN.c.claimed),
            execution_options={"synchronize_session": False},
        )
        remaining = result.scalar_one_or_none()
        if remaining is None:
            raise CouponExhausted(f"all {coupon.total_limit} of coupon {coupon_id} have been claimed")
        already = await self._claims_of(coupon_id, visitor_id)
        if already >= coupon.per_buyer_limit:
            raise CouponClaimLimit(
                f"one viewer may claim coupon {coupon_id} {coupon.per_buyer_limit} time(s)",
                extra={"per_buyer_limit": coupon.per_buyer_limit},
            )
        claim = CouponClaim(
            id=new_id("cpc"), coupon_id=coupon_id, session_id=session_id, visitor_id=visitor_id, claim_no=already + 1
        )
        self.session.add(claim)
        emit(
            self.session,
            CouponClaimed(session_id=session_id, coupon_id=coupon_id, claim_id=claim.id, remaining=int(remaining)),
            session_id,
        )
        await self.session.commit()
        return claim, int(remaining)

    async def _claimable(self, session_id: str, coupon_id: str) -> Coupon:
        live = await session_or_404(self.session, session_id)
        coupon = await coupon_of_session(self.session, live, coupon_id)
        if await DropService(self.session).find(session_id, coupon_id) is None:
            raise CouponNotDropped(f"coupon {coupon_id} was not dropped in session {session_id}")
        if live.state != SessionState.LIVE:
            raise SessionNotLive(f"this session is {live.state}; coupons are claimed while it is live")
        ensure_usable(coupon, utcnow())
        return coupon

    async def _claims_of(self, coupon_id: str, visitor_id: str) -> int:
        stmt = sa.select(sa.func.count()).where(
            col(CouponClaim.coupon_id) == coupon_id, col(CouponClaim.visitor_id) == visitor_id
        )
        return int((await self.session.execute(stmt)).scalar_one())
