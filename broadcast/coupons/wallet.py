"""The visitor's usable claims for a session's brand, each with what it would take off the current
cart — the checkout page shows them and pre-selects the largest discount."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout.cart import CartService
from broadcast.coupons import discount, redeem
from broadcast.coupons.drops import room_view, session_or_404
from broadcast.coupons.models import ClaimState, Coupon, CouponClaim, CouponDrop
from broadcast.coupons.schemas import MyClaimPublic
from broadcast.coupons.validity import ensure_usable
from server.kernel.clock import utcnow
from server.kernel.problems import Problem


class WalletService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def mine(self, session_id: str, visitor_id: str) -> list[MyClaimPublic]:
        live = await session_or_404(self.session, session_id)
        cart = await CartService(self.session).view(session_id, visitor_id)
        lines = [discount.Line(line.sku_id, line.amount_minor) for line in cart.lines]
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
            amount, reason = self._preview(coupon, live.brand_id, cart.currency, lines)
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
