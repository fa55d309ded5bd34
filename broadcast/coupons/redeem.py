"""Checkout's side of coupons: check a claim against an order's lines, compute and allocate its
discount, mark it used with the order, and give it back if the order closes unpaid. Everything
runs in the caller's transaction (the checkout's or the order closing's)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.coupons import discount
from broadcast.coupons.definitions import terms_of
from broadcast.coupons.models import ClaimState, Coupon, CouponClaim
from broadcast.coupons.problems import ClaimNotUsable, CouponNotApplicable
from broadcast.coupons.validity import ensure_usable
from server.kernel.clock import utcnow
from server.kernel.problems import NotFound

CLAIMS: Any = CouponClaim.__table__  # type: ignore[attr-defined]
NO_SYNC = {"synchronize_session": False}


@dataclass(frozen=True)
class Applied:
    claim_id: str
    discount_minor: int
    line_discounts: list[int]  # in the order of the lines given


async def _claim_and_coupon(session: AsyncSession, claim_id: str, visitor_id: str) -> tuple[CouponClaim, Coupon]:
    claim = await session.get(CouponClaim, claim_id, populate_existing=True)
    coupon = await session.get(Coupon, claim.coupon_id) if claim is not None else None
    if claim is None or coupon is None or claim.visitor_id != visitor_id:
        raise NotFound.of("coupon claim", claim_id)
    return claim, coupon


def quote(coupon: Coupon, brand_id: str, currency: str, lines: list[discount.Line]) -> list[int]:
    """Per-line discounts of `coupon` on these lines; raises CouponNotApplicable with the reason."""
    if coupon.brand_id != brand_id:
        raise CouponNotApplicable("this coupon is for another brand's goods")
    if coupon.currency is not None and coupon.currency != currency:
        raise CouponNotApplicable(f"this coupon is in {coupon.currency}; the cart is in {currency}")
    terms = terms_of(coupon)
    base = discount.eligible_minor(terms, lines)
    if base == 0:
        raise CouponNotApplicable("no item in the cart is covered by this coupon")
    if base < coupon.min_spend_minor:
        raise CouponNotApplicable(
            f"spend at least {coupon.min_spend_minor} (minor units) on eligible items",
            extra={"min_spend_minor": coupon.min_spend_minor, "eligible_minor": base},
        )
    return discount.allocate(discount.discount_minor(terms, lines), lines, discount.eligible(terms, lines))


async def prepare(
    session: AsyncSession, claim_id: str, visitor_id: str, brand_id: str, currency: str, lines: list[discount.Line]
) -> Applied:
    claim, coupon = await _claim_and_coupon(session, claim_id, visitor_id)
    if claim.state != ClaimState.CLAIMED:
        raise ClaimNotUsable(f"coupon claim {claim_id} is already used on order {claim.order_id}")
    ensure_usable(coupon, utcnow())
    parts = quote(coupon, brand_id, currency, lines)
    return Applied(claim_id, sum(parts), parts)


async def use(session: AsyncSession, claim_id: str, visitor_id: str, order_id: str) -> None:
    """Conditional: of two checkouts racing with one claim, only one can take it."""
    result: Any = await session.execute(
        sa.update(CLAIMS)
        .where(CLAIMS.c.id == claim_id, CLAIMS.c.visitor_id == visitor_id, CLAIMS.c.state == ClaimState.CLAIMED.value)
        .values(state=ClaimState.USED.value, order_id=order_id, used_at=utcnow()),
        execution_options=NO_SYNC,
    )
    if result.rowcount != 1:
        raise ClaimNotUsable(f"coupon claim {claim_id} is already used on another order")


async def give_back(session: AsyncSession, claim_id: str, order_id: str) -> None:
    """The order closed unpaid: the buyer may use the claim again (a refund does not give it back)."""
    await session.execute(
        sa.update(CLAIMS)
        .where(CLAIMS.c.id == claim_id, CLAIMS.c.order_id == order_id)
        .values(state=ClaimState.CLAIMED.value, order_id=None, used_at=None),
        execution_options=NO_SYNC,
    )
