"""Brands set commission rules and their split policy; no split may exceed 100 %."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import Brand, LiveSession, Sku
from broadcast.schemas import BrandSettings
from commission import rules
from commission.models import CommissionPolicy, CommissionRule, RuleKind
from commission.schemas import PolicyPublic, PolicyUpdate, RuleCreate
from commission.splits import FULL_BPS
from distribution.models import Partnership
from server.kernel.clock import utcnow
from server.kernel.ids import new_id
from server.kernel.pagination import fetch_page
from server.kernel.problems import InvalidInput, NotFound

POLICY_FIELDS = ("platform_fee_bps", "parent_override_bps", "default_commission_bps")


class SplitAbove100(InvalidInput):
    slug, title = "split-above-100-percent", "The rates of a split add up to more than 100 %"


class RulesService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def policy(self, brand_id: str) -> PolicyPublic:
        policy = await rules.policy_of(self.session, brand_id)
        settings = await rules.brand_settings(self.session, brand_id)
        return PolicyPublic(
            brand_id=brand_id,
            platform_fee_bps=Decimal(policy.platform_fee_bps),
            parent_override_bps=Decimal(policy.parent_override_bps),
            default_commission_bps=settings.default_commission_bps,
            hold_period_days=settings.hold_period_days,
        )

    async def set_policy(self, brand_id: str, data: PolicyUpdate) -> PolicyPublic:
        await self.check_policy(brand_id, data)
        policy = await self.session.get(CommissionPolicy, brand_id) or CommissionPolicy(brand_id=brand_id)
        policy.platform_fee_bps, policy.parent_override_bps = data.platform_fee_bps, data.parent_override_bps
        policy.updated_at = utcnow()
        self.session.add(policy)
        if data.default_commission_bps is not None:
            await self._set_default_rate(brand_id, data.default_commission_bps)
        await self.session.commit()
        return await self.policy(brand_id)

    async def check_policy(self, brand_id: str, data: PolicyUpdate) -> None:
        """What `set_policy` refuses, without writing (the preview asks the same)."""
        highest = await self._highest_partner_rate(brand_id, data.default_commission_bps)
        _check_total(highest, data.parent_override_bps, data.platform_fee_bps, POLICY_FIELDS)

    async def add_rule(self, brand_id: str, data: RuleCreate) -> CommissionRule:
        kind = await self.check_rule(brand_id, data, await rules.policy_of(self.session, brand_id))
        key = rules.scope_key(brand_id, kind, data.partner_id, data.session_id, data.sku_id)
        rule = (await self.session.exec(select(CommissionRule).where(CommissionRule.scope_key == key))).first()
        if rule is None:
            rule = CommissionRule(
                id=new_id("cmr"),
                brand_id=brand_id,
                kind=kind,
                partner_id=data.partner_id,
                session_id=data.session_id,
                sku_id=data.sku_id,
                rate_bps=data.rate_bps,
                scope_key=key,
            )
        rule.rate_bps, rule.updated_at = data.rate_bps, utcnow()
        self.session.add(rule)
        await self.session.commit()
        return rule

    async def check_rule(self, brand_id: str, data: RuleCreate, policy: CommissionPolicy) -> RuleKind:
        """What `add_rule` refuses under `policy`, without writing; the rule's kind if it is fine."""
        kind = _kind(data)
        await self._check_refs(brand_id, data)
        _check_total(data.rate_bps, Decimal(policy.parent_override_bps), Decimal(policy.platform_fee_bps))
        return kind

    async def list_rules(
        self, brand_id: str, cursor: str | None, limit: int
    ) -> tuple[Sequence[CommissionRule], str | None]:
        stmt = select(CommissionRule).where(CommissionRule.brand_id == brand_id)
        return await fetch_page(self.session, stmt, col(CommissionRule.id), cursor, limit)

    async def delete_rule(self, brand_id: str, rule_id: str) -> None:
        rule = await self.session.get(CommissionRule, rule_id)
        if rule is None or rule.brand_id != brand_id:
            raise NotFound.of("commission rule", rule_id)
        await self.session.delete(rule)
        await self.session.commit()

    async def _check_refs(self, brand_id: str, data: RuleCreate) -> None:
        sku = await self.session.get(Sku, data.sku_id)
        if sku is None or sku.brand_id != brand_id:
            raise NotFound.of("sku", data.sku_id)
        if data.session_id is not None:
            live = await self.session.get(LiveSession, data.session_id)
            if live is None or live.brand_id != brand_id:
                raise NotFound.of("session", data.session_id)
        if data.partner_id is not None:
            stmt = select(Partnership.id).where(
                Partnership.brand_id == brand_id, Partnership.partner_id == data.partner_id
            )
            if (await self.session.exec(stmt)).first() is None:
                raise NotFound.of("partner", data.partner_id)

    async def _highest_partner_rate(self, brand_id: str, default_bps: int | None = None) -> Decimal:
        if default_bps is None:
            default_bps = (await rules.brand_settings(self.session, brand_id)).default_commission_bps
        rule_max = (
            await self.session.execute(
                sa.select(sa.func.max(CommissionRule.rate_bps)).where(col(CommissionRule.brand_id) == brand_id)
            )
        ).scalar()
        ship_max = (
            await self.session.execute(
                sa.select(sa.func.max(Partnership.commission_bps)).where(col(Partnership.brand_id) == brand_id)
            )
        ).scalar()
        return max(Decimal(default_bps), Decimal(rule_max or 0), Decimal(ship_max or 0))

    async def _set_default_rate(self, brand_id: str, bps: int) -> None:
        brand = await self.session.get(Brand, brand_id)
        if brand is None:
            raise NotFound.of("brand", brand_id)
        settings = BrandSettings.model_validate(brand.settings or {}).model_copy(update={"default_commission_bps": bps})
        brand.settings = settings.model_dump()
        self.session.add(brand)


def _kind(data: RuleCreate) -> RuleKind:
    if data.partner_id and data.session_id:
        raise InvalidInput(
            "a rule is for a partner × SKU or a session line-up × SKU, not both",
            extra={"errors": [{"field": "session_id", "message": "give partner_id or session_id"}]},
        )
    if data.partner_id:
        return RuleKind.PARTNER_SKU
    return RuleKind.LINEUP if data.session_id else RuleKind.SKU


def _check_total(
    partner_bps: Decimal, parent_bps: Decimal, fee_bps: Decimal, fields: tuple[str, ...] = ("rate_bps",)
) -> None:
    total = partner_bps + parent_bps + fee_bps
    if total > FULL_BPS:
        raise SplitAbove100(
            f"partner {partner_bps} + parent override {parent_bps} + platform fee {fee_bps} = {total} bps, "
            f"more than {FULL_BPS} bps (100 %)",
            extra={"errors": [{"field": field, "message": "the split would exceed 100 %"} for field in fields]},
        )
