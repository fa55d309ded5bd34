"""Resolving a commission rate from the most specific rule, and the brand's split policy.

Order of precedence per order line: the brand's plans (`commission.plan_rates`: exclusive,
targeted, open; the version in force when the order was paid), then partner × SKU, session
line-up (session × SKU), SKU, the partnership's rate, the brand's default
(`BrandSettings.default_commission_bps`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import Brand
from broadcast.schemas import BrandSettings
from commission.models import CommissionPolicy, CommissionRule, OrderCommission, PlanVersion, RuleKind
from commission.models.rules import RATE_TYPE
from commission.plan_rates import plan_rate
from commission.splits import Rate
from distribution.models import Partnership
from server.kernel.clock import as_utc, utcnow

SPECIFICITY = [RuleKind.PARTNER_SKU, RuleKind.LINEUP, RuleKind.SKU]


def scope_key(brand_id: str, kind: RuleKind, partner_id: str | None, session_id: str | None, sku_id: str) -> str:
    return "|".join([brand_id, kind.value, partner_id or "", session_id or "", sku_id])


async def brand_settings(session: AsyncSession, brand_id: str) -> BrandSettings:
    brand = await session.get(Brand, brand_id)
    return BrandSettings.model_validate(brand.settings or {}) if brand is not None else BrandSettings()


async def policy_of(session: AsyncSession, brand_id: str) -> CommissionPolicy:
    policy = await session.get(CommissionPolicy, brand_id)
    return policy if policy is not None else CommissionPolicy(brand_id=brand_id)


@dataclass(frozen=True, slots=True)
class RateBook:
    """One brand's rules for some SKUs and its partnerships' rates for some partners, read at once
    (one round trip for a whole batch of orders), to resolve any of those orders' rates."""

    brand_id: str
    rules: list[Any]
    partnerships: dict[str, tuple[str, Any]]  # partner → (partnership id, rate)
    plans: list[Any] = field(default_factory=list)  # every version of the brand's plans on these SKUs
    # (partner, visitor) → when each of that buyer's orders through that partner was paid
    purchases: dict[tuple[str, str], list[datetime]] = field(default_factory=dict)

    def rates(
        self,
        settings: BrandSettings,
        session_id: str | None,
        partner_id: str,
        sku_ids: list[str],
        at: datetime | None = None,
        visitor_id: str | None = None,
    ) -> dict[str, Rate]:
        """Each SKU's rate for `partner_id` in force at `at` (the order's payment; default now)."""
        when = at or utcnow()
        nth = self.order_number(partner_id, visitor_id, when)
        planned = {sku: plan_rate(self.plans, partner_id, sku, when, nth) for sku in sku_ids}
        ruled = self._rule_rates(settings, session_id, partner_id, [s for s, r in planned.items() if r is None])
        return {sku: planned[sku] or ruled[sku] for sku in sku_ids}

    def order_number(self, partner_id: str, visitor_id: str | None, at: datetime) -> int:
        """1 + the buyer's orders through this partner paid before `at` (1 when unknown)."""
        paid = self.purchases.get((partner_id, visitor_id or ""), [])
        return 1 + sum(1 for t in paid if t < at)

    def _rule_rates(
        self, settings: BrandSettings, session_id: str | None, partner_id: str, sku_ids: list[str]
    ) -> dict[str, Rate]:
        ship = self.partnerships.get(partner_id)
        fallback = (
            Rate(Decimal(ship[1]), f"partnership:{ship[0]}")
            if ship is not None
            else Rate(Decimal(settings.default_commission_bps), f"brand_default:{self.brand_id}")
        )
        wanted: dict[RuleKind, Callable[[Any], bool]] = {
            RuleKind.PARTNER_SKU: lambda r: r.partner_id == partner_id,
            RuleKind.LINEUP: lambda r: session_id is not None and r.session_id == session_id,
            RuleKind.SKU: lambda r: True,
        }
        rates: dict[str, Rate] = {}
        for sku_id in sku_ids:
            candidates = [r for r in self.rules if r.sku_id == sku_id]
            rates[sku_id] = fallback
            for kind in SPECIFICITY:
                match = next((r for r in candidates if r.kind == kind and wanted[kind](r)), None)
                if match is not None:
                    rates[sku_id] = Rate(Decimal(match.rate_bps), f"{kind.value}:{match.id}")
                    break
        return rates


async def resolve_rates(
    session: AsyncSession,
    brand_id: str,
    settings: BrandSettings,
    session_id: str | None,
    partner_id: str,
    sku_ids: list[str],
) -> dict[str, Rate]:
    book = await rate_book(session, brand_id, [partner_id], sku_ids)
    return book.rates(settings, session_id, partner_id, sku_ids)


async def rate_book(
    session: AsyncSession,
    brand_id: str,
    partner_ids: list[str],
    sku_ids: list[str],
    buyers: Sequence[tuple[str, str, datetime]] = (),
) -> RateBook:
    """The SKUs' rules and the partnerships' rates in one round trip (this is the hot path), the
    plans in a second; the buyers' earlier orders (a third) only when a plan has a repeat rate.
    `buyers` are the batch's own (partner, visitor, paid at): they count as earlier orders too."""
    r, p = CommissionRule, Partnership
    rules_q = sa.select(  # type: ignore[call-overload]
        sa.literal("rule").label("source"), r.id, r.kind, r.partner_id, r.session_id, r.sku_id, r.rate_bps
    ).where(r.brand_id == brand_id, col(r.sku_id).in_(sku_ids))
    ship_q = sa.select(  # type: ignore[call-overload]
        sa.literal("partnership"),
        p.id,
        sa.literal(""),
        p.partner_id,
        sa.null(),
        sa.literal(""),
        sa.cast(p.commission_bps, RATE_TYPE),
    ).where(p.brand_id == brand_id, col(p.partner_id).in_(partner_ids), col(p.commission_bps).is_not(None))
    rows = (await session.execute(sa.union_all(rules_q, ship_q))).all()
    ships = {row.partner_id: (row.id, row.rate_bps) for row in rows if row.source == "partnership"}
    plans = await plan_versions(session, brand_id, sku_ids)
    repeats = any(v.repeat_rate_bps is not None for v in plans)
    purchases = await _purchases(session, brand_id, buyers) if repeats and buyers else {}
    return RateBook(brand_id, [row for row in rows if row.source == "rule"], ships, plans, purchases)


async def _purchases(
    session: AsyncSession, brand_id: str, buyers: Sequence[tuple[str, str, datetime]]
) -> dict[tuple[str, str], list[datetime]]:
    """When each buyer's orders through each partner were paid: the saved ones and the batch's."""
    oc = OrderCommission
    stmt = sa.select(col(oc.partner_id), col(oc.visitor_id), col(oc.paid_at)).where(
        col(oc.brand_id) == brand_id,
        col(oc.partner_id).in_(sorted({p for p, _, _ in buyers})),
        col(oc.visitor_id).in_(sorted({v for _, v, _ in buyers})),
    )
    seen: dict[tuple[str, str], set[datetime]] = {}
    for partner_id, visitor_id, paid_at in [*(await session.execute(stmt)).all(), *buyers]:
        seen.setdefault((partner_id, visitor_id), set()).add(as_utc(paid_at))
    return {key: sorted(times) for key, times in seen.items()}


async def plan_versions(session: AsyncSession, brand_id: str, sku_ids: list[str]) -> list[PlanVersion]:
    """Every version of the brand's plans on these SKUs or the whole shop (few rows: plans are per SKU)."""
    pv = PlanVersion
    stmt = sa.select(pv).where(
        col(pv.brand_id) == brand_id, sa.or_(col(pv.sku_id).in_(sku_ids), col(pv.sku_id).is_(None))
    )
    return list((await session.execute(stmt)).scalars())


def parent_rate(policy: CommissionPolicy) -> Rate:
    return Rate(Decimal(policy.parent_override_bps), f"parent_override:{policy.brand_id}")


def fee_rate(policy: CommissionPolicy) -> Rate:
    return Rate(Decimal(policy.platform_fee_bps), f"platform_fee:{policy.brand_id}")
