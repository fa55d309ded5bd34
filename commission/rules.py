"""Resolving a commission rate from the most specific rule, and the brand's split policy.

Order of precedence per order line: partner × SKU, session line-up (session × SKU), SKU, the
partnership's rate, the brand's default (`BrandSettings.default_commission_bps`)."""

from __future__ import annotations

from decimal import Decimal

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import Brand
from broadcast.schemas import BrandSettings
from commission.models import CommissionPolicy, CommissionRule, RuleKind
from commission.splits import Rate
from distribution.models import Partnership

SPECIFICITY = [RuleKind.PARTNER_SKU, RuleKind.LINEUP, RuleKind.SKU]


def scope_key(brand_id: str, kind: RuleKind, partner_id: str | None, session_id: str | None, sku_id: str) -> str:
    return "|".join([brand_id, kind.value, partner_id or "", session_id or "", sku_id])


async def brand_settings(session: AsyncSession, brand_id: str) -> BrandSettings:
    brand = await session.get(Brand, brand_id)
    return BrandSettings.model_validate(brand.settings or {}) if brand is not None else BrandSettings()


async def policy_of(session: AsyncSession, brand_id: str) -> CommissionPolicy:
    policy = await session.get(CommissionPolicy, brand_id)
    return policy if policy is not None else CommissionPolicy(brand_id=brand_id)


async def resolve_rates(session: AsyncSession, brand_id: str, settings: BrandSettings, session_id: str | None,
                        partner_id: str, sku_ids: list[str]) -> dict[str, Rate]:
    rules = await _rules_for(session, brand_id, sku_ids)
    fallback = await _partnership_or_default(session, brand_id, partner_id, settings)
    wanted = {
        RuleKind.PARTNER_SKU: lambda r: r.partner_id == partner_id,
        RuleKind.LINEUP: lambda r: session_id is not None and r.session_id == session_id,
        RuleKind.SKU: lambda r: True,
    }
    rates: dict[str, Rate] = {}
    for sku_id in sku_ids:
        candidates = [r for r in rules if r.sku_id == sku_id]
        rates[sku_id] = fallback
        for kind in SPECIFICITY:
            match = next((r for r in candidates if r.kind == kind and wanted[kind](r)), None)
            if match is not None:
                rates[sku_id] = Rate(Decimal(match.rate_bps), f"{kind.value}:{match.id}")
                break
    return rates


async def _rules_for(session: AsyncSession, brand_id: str, sku_ids: list[str]) -> list[CommissionRule]:
    stmt = select(CommissionRule).where(CommissionRule.brand_id == brand_id, col(CommissionRule.sku_id).in_(sku_ids))
    return list((await session.exec(stmt)).all())


async def _partnership_or_default(session: AsyncSession, brand_id: str, partner_id: str,
                                  settings: BrandSettings) -> Rate:
    stmt = select(Partnership).where(Partnership.brand_id == brand_id, Partnership.partner_id == partner_id)
    partnership = (await session.exec(stmt)).first()
    if partnership is not None and partnership.commission_bps is not None:
        return Rate(Decimal(partnership.commission_bps), f"partnership:{partnership.id}")
    return Rate(Decimal(settings.default_commission_bps), f"brand_default:{brand_id}")


def parent_rate(policy: CommissionPolicy) -> Rate:
    return Rate(Decimal(policy.parent_override_bps), f"parent_override:{policy.brand_id}")


def fee_rate(policy: CommissionPolicy) -> Rate:
    return Rate(Decimal(policy.platform_fee_bps), f"platform_fee:{policy.brand_id}")
