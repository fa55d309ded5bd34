"""Whether a coupon may be claimed or used right now (shared by claims and checkout)."""

from __future__ import annotations

from datetime import datetime

from broadcast.coupons.models import Coupon
from broadcast.coupons.problems import CouponInactive, CouponNotValidNow


def ensure_usable(coupon: Coupon, now: datetime) -> None:
    if not coupon.active:
        raise CouponInactive(f"coupon {coupon.id} was deactivated")
    if now < coupon.valid_from:
        raise CouponNotValidNow(f"coupon {coupon.id} is valid from {coupon.valid_from.isoformat()}")
    if now >= coupon.valid_until:
        raise CouponNotValidNow(f"coupon {coupon.id} expired at {coupon.valid_until.isoformat()}")
