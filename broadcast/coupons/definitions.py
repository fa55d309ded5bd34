"""The brand's coupons: create, list, read, deactivate (tokens, tenant-checked)."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.coupons.discount import Terms
from broadcast.coupons.models import ClaimState, Coupon, CouponClaim
from broadcast.coupons.schemas import CouponCreate, CouponPublic
from broadcast.models import Brand, Sku
from server.kernel.clock import utcnow
from server.kernel.currency import format_minor
from server.kernel.ids import new_id
from server.kernel.pagination import fetch_page
from server.kernel.principal import Principal
from server.kernel.problems import InvalidInput, NotFound


def terms_of(coupon: Coupon) -> Terms:
    return Terms(coupon.amount_off_minor, coupon.percent_off_bps, coupon.min_spend_minor, tuple(coupon.sku_ids))


def label_of(coupon: Coupon) -> str:
    if coupon.amount_off_minor is not None and coupon.currency:
        return f"{format_minor(coupon.amount_off_minor, coupon.currency)} off"
    percent = Decimal(coupon.percent_off_bps or 0) / 100
    return f"{percent.normalize():f}% off"


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(f"{field}: {message}", extra={"errors": [{"field": field, "message": message}]})


class CouponService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(self, principal: Principal, brand_id: str, data: CouponCreate) -> Coupon:
        principal.ensure_brand(brand_id)
        brand = await self.session.get(Brand, brand_id)
        if brand is None:
            raise NotFound.of("brand", brand_id)
        if data.currency is not None and data.currency != brand.default_currency:
            raise _invalid("currency", f"must be the brand's currency {brand.default_currency}")
        await self._own_skus(brand_id, data.sku_ids)
        coupon = Coupon(
            id=new_id("cpn"),
            brand_id=brand_id,
            **data.model_dump(exclude={"sku_ids"}),
            sku_ids=sorted(set(data.sku_ids)),
        )
        self.session.add(coupon)
        await self.session.commit()
        return coupon

    async def _own_skus(self, brand_id: str, sku_ids: list[str]) -> None:
        if not sku_ids:
            return
        stmt = select(Sku.id).where(col(Sku.id).in_(sku_ids), Sku.brand_id == brand_id)
        found = set((await self.session.exec(stmt)).all())
        missing = sorted(set(sku_ids) - found)
        if missing:
            raise _invalid("sku_ids", f"not SKUs of this brand: {', '.join(missing)}")

    async def list(
        self, principal: Principal, brand_id: str, cursor: str | None, limit: int
    ) -> tuple[Sequence[Coupon], str | None]:
        principal.ensure_brand(brand_id)
        return await fetch_page(
            self.session, select(Coupon).where(Coupon.brand_id == brand_id), Coupon.id, cursor, limit
        )

    async def get(self, principal: Principal, coupon_id: str) -> Coupon:
        coupon = await self.session.get(Coupon, coupon_id)
        if coupon is None:
            raise NotFound.of("coupon", coupon_id)
        principal.ensure_brand(coupon.brand_id, "coupon", coupon_id)
        return coupon

    async def deactivate(self, principal: Principal, coupon_id: str) -> Coupon:
        """No new claims and no new use at checkout; claims already on orders stay on them."""
        coupon = await self.get(principal, coupon_id)
        if coupon.active:
            coupon.active, coupon.deactivated_at = False, utcnow()
            self.session.add(coupon)
            await self.session.commit()
        return coupon

    async def public(self, coupon: Coupon) -> CouponPublic:
        return (await self.publics([coupon]))[0]

    async def publics(self, coupons: Sequence[Coupon]) -> builtins.list[CouponPublic]:
        """With remaining and used (claims on an order) counts: one query for the whole page."""
        stmt = (
            sa.select(col(CouponClaim.coupon_id), sa.func.count())
            .where(
                col(CouponClaim.coupon_id).in_([c.id for c in coupons]), col(CouponClaim.state) == ClaimState.USED.value
            )
            .group_by(col(CouponClaim.coupon_id))
        )
        used = {str(k): int(n) for k, n in (await self.session.execute(stmt)).all()} if coupons else {}
        return [
            CouponPublic.model_validate(c).model_copy(
                update={"remaining": c.total_limit - c.claimed, "used": used.get(c.id, 0)}
            )
            for c in coupons
        ]
