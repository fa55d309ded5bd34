"""The stable problem types of coupons (problem+json `type` = .../problems/<slug>)."""

from __future__ import annotations

from server.kernel.problems import Conflict, InvalidInput, NotFound


class CouponNotDropped(NotFound):
    slug, title = "coupon-not-dropped", "This coupon was not dropped in this live session"


class CouponInactive(Conflict):
    slug, title = "coupon-inactive", "The brand deactivated this coupon"


class CouponNotValidNow(Conflict):
    slug, title = "coupon-not-valid-now", "The coupon is expired or not valid yet"


class CouponExhausted(Conflict):
    slug, title = "coupon-exhausted", "Every unit of this coupon has been claimed"


class CouponClaimLimit(Conflict):
    slug, title = "coupon-claim-limit", "You already claimed as many of this coupon as one viewer may"


class ClaimNotUsable(Conflict):
    slug, title = "coupon-claim-not-usable", "This coupon claim is already used on another order"


class CouponNotApplicable(InvalidInput):
    slug, title = "coupon-not-applicable", "The coupon does not apply to this cart"
