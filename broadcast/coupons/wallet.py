"""The visitor's usable claims for a session's brand, each with what it would take off the current
cart — the checkout page shows them and pre-selects the largest discount."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.coupons import discount, redeem
from broadcast.coupons.drops import room_view, session_or_404
from broadcast.coupons.models import ClaimState, Coupon, CouponClaim, CouponDrop
from broadcast.coupons.schemas import MyClaimPublic
from broadcast.coupons.validity import ensure_usable
from server.kernel.clock import utcnow
from server.kernel.problems import Problem

# The visitor's cart as checkout prices it, (db, session_id, visitor_id) -> (currency, lines). Checkout puts it
# in `app.state` under this name: checkout imports coupons (to apply them), never the other way.
CART_LINES_STATE = "coupon_cart_lines"
CartLines = Callable[[AsyncSession, str, str], Awaitable[tuple[str | None, list[discount.Line]]]]


class WalletService:
    def __init__(self, session: AsyncSession, cart_lines: CartLines) -> None:
        self.session, self.cart_lines = session, cart_lines

    async def mine(self, session_id: str, visitor_id: str) -> list[MyClaimPublic]:
        live = await session_or_404(self.session, session_id)
        currency, lines = await self.cart_lines(self.session, session_id, visitor_id)
        stmt = (
            select(CouponClaim, Coupon, CouponDrop)
            .join(Coupon, col(Coupon.id) == col(CouponClaim.coupon_id))
            .join(
                CouponDrop,
                (col(CouponDrop.coupon_id) == col(CouponClaim.coupon_id))
                & (col(CouponDrop.session_id) == col(CouponClaim.session_id)),
            )
            .where(
                CouponClaim.visitor_id == visitor_id,
                CouponClaim.state == ClaimState.CLAIMED.value,
                Coupon.brand_id == live.brand_id,
            )
            .order_by(col(CouponClaim.id))
        )
        out = []
        for claim, coupon, drop in (await self.session.exec(stmt)).all():
            amount, reason = self._preview(coupon, live.brand_id, currency, lines)
            out.append(
                MyClaimPublic(claim_id=claim.id, coupon=room_view(coupon, drop), discount_minor=amount, reason=reason)
            )
        return out

    @staticmethod
    def _preview(
        coupon: Coupon, brand_id: str, currency: str | None, lines: list[discount.Line]
    ) -> tuple[int | None, str | None]:
        if not lines or currency is None:
            return None, "the cart is empty"
        try:
            ensure_usable(coupon, utcnow())
            return sum(redeem.quote(coupon, brand_id, currency, lines)), None
        except Problem as problem:
            return None, str(problem.detail)
