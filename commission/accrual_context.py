"""What accruing an order needs to know besides its `OrderPaid`: whether it is already accrued,
the brand's settings and split policy, and how many of its refunds arrived first and wait."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import Brand
from broadcast.schemas import BrandSettings
from commission.models import CommissionPolicy, OrderCommission, RefundRecord


@dataclass(frozen=True, slots=True)
class OrderContext:
    known: bool
    settings: BrandSettings
    policy: CommissionPolicy
    waiting_refunds: int


async def order_context(session: AsyncSession, order_id: str, brand_id: str) -> OrderContext:
    """Replay check, brand policy and refunds waiting for this order, in one round trip (hot path)."""
    oc, rr, cp = OrderCommission, RefundRecord, CommissionPolicy

    def policy_col(column: Any) -> Any:
        return sa.select(column).where(col(cp.brand_id) == brand_id).scalar_subquery()

    stmt = sa.select(
        sa.exists().where(col(oc.order_id) == order_id),
        sa.select(col(Brand.settings)).where(col(Brand.id) == brand_id).scalar_subquery(),
        policy_col(cp.platform_fee_bps),
        policy_col(cp.parent_override_bps),
        sa.select(sa.func.count())
        .select_from(rr)
        .where(col(rr.order_id) == order_id, col(rr.applied_at).is_(None))
        .scalar_subquery(),
    )
    known, settings, fee, override, waiting = (await session.execute(stmt)).one()
    if isinstance(settings, str):
        settings = json.loads(settings)
    policy = CommissionPolicy(
        brand_id=brand_id, platform_fee_bps=Decimal(fee or 0), parent_override_bps=Decimal(override or 0)
    )
    return OrderContext(bool(known), BrandSettings.model_validate(settings or {}), policy, int(waiting or 0))


def _settings(raw: Any) -> BrandSettings:
    return BrandSettings.model_validate((json.loads(raw) if isinstance(raw, str) else raw) or {})


async def batch_contexts(session: AsyncSession, orders: Sequence[tuple[str, str]]) -> dict[str, OrderContext]:
    """`order_context` of many (order id, brand id) in four queries, whatever their number."""
    order_ids, brand_ids = sorted({o for o, _ in orders}), sorted({b for _, b in orders})
    oc, rr, cp = OrderCommission, RefundRecord, CommissionPolicy
    known = set((await session.execute(sa.select(col(oc.order_id)).where(col(oc.order_id).in_(order_ids)))).scalars())
    settings_q = sa.select(col(Brand.id), col(Brand.settings)).where(col(Brand.id).in_(brand_ids))
    settings = {b: _settings(raw) for b, raw in (await session.execute(settings_q)).all()}
    policy_q = sa.select(col(cp.brand_id), col(cp.platform_fee_bps), col(cp.parent_override_bps)).where(
        col(cp.brand_id).in_(brand_ids)
    )
    policies = {
        b: CommissionPolicy(brand_id=b, platform_fee_bps=Decimal(fee or 0), parent_override_bps=Decimal(over or 0))
        for b, fee, over in (await session.execute(policy_q)).all()
    }
    waiting_q = (
        sa.select(col(rr.order_id), sa.func.count())
        .where(col(rr.order_id).in_(order_ids), col(rr.applied_at).is_(None))
        .group_by(col(rr.order_id))
    )
    waiting = {o: int(n) for o, n in (await session.execute(waiting_q)).all()}
    return {
        o: OrderContext(
            o in known,
            settings.get(b) or BrandSettings(),
            policies.get(b)
            or CommissionPolicy(brand_id=b, platform_fee_bps=Decimal(0), parent_override_bps=Decimal(0)),
            waiting.get(o, 0),
        )
        for o, b in orders
    }
