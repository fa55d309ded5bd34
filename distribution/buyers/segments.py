"""Segments of a brand's buyers: defined, listed and counted live (as the rules are edited).
Counts run over the brand's own profiles only; a SKU of another brand is refused as a rule that
can never match."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import Sku
from distribution.buyers.models import BuyerProfile, Segment
from distribution.buyers.segment_rules import SegmentRules, conditions
from distribution.buyers.segment_schemas import SegmentCount, SegmentCreate, SegmentPublic
from server.kernel.ids import new_id
from server.kernel.problems import InvalidInput


async def count(db: AsyncSession, brand_id: str, rules: SegmentRules, now: datetime) -> SegmentCount:
    await _check_sku(db, brand_id, rules.sku_id)
    consented = func.sum(sa.case((col(BuyerProfile.marketing_consent), 1), else_=0))
    stmt = select(func.count(), func.coalesce(consented, 0)).where(
        BuyerProfile.brand_id == brand_id, *conditions(rules, now)
    )
    buyers, agreed = (await db.exec(stmt)).one()
    return SegmentCount(buyers=int(buyers), consented=int(agreed))


async def _check_sku(db: AsyncSession, brand_id: str, sku_id: str | None) -> None:
    if sku_id is None:
        return
    sku = await db.get(Sku, sku_id)
    if sku is None or sku.brand_id != brand_id:
        raise InvalidInput(f"sku_id {sku_id} is not one of this brand's SKUs: the rule can never match")


async def create(db: AsyncSession, brand_id: str, data: SegmentCreate, now: datetime) -> SegmentPublic:
    counted = await count(db, brand_id, data.rules, now)
    segment = Segment(
        id=new_id("seg"), brand_id=brand_id, name=data.name, rules=data.rules.model_dump(exclude_none=True)
    )
    db.add(segment)
    await db.commit()
    return _public(segment, counted)


async def listed(db: AsyncSession, brand_id: str, now: datetime) -> list[SegmentPublic]:
    stmt = select(Segment).where(Segment.brand_id == brand_id).order_by(col(Segment.created_at), col(Segment.id))
    rows: Sequence[Segment] = (await db.exec(stmt)).all()
    return [_public(s, await count(db, brand_id, SegmentRules.model_validate(s.rules), now)) for s in rows]


def _public(segment: Segment, counted: SegmentCount) -> SegmentPublic:
    rules = SegmentRules.model_validate(segment.rules)
    return SegmentPublic(
        id=segment.id,
        brand_id=segment.brand_id,
        name=segment.name,
        rules=rules,
        created_at=segment.created_at,
        count=counted,
    )
