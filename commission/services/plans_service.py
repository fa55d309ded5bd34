"""Brands publish commission plans; every change is a new version (rate protection decides when
it applies). Coexistence: one open plan per scope, a targeted plan needs the open plan first,
no open or targeted plan while an exclusive runs, exclusive periods never overlap."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import Sku
from commission import rules
from commission.models import PlanKind, PlanVersion
from commission.plan_rates import in_force, running
from commission.plan_schemas import PlanCreate, PlanVersionCreate
from commission.rate_protection import effective_at
from commission.services.rules_service import _check_total
from distribution.models import Partnership
from server.kernel.clock import as_utc, utcnow
from server.kernel.ids import new_id
from server.kernel.problems import Conflict, InvalidInput, NotFound

REPEAT_FIELDS = ("repeat_rate_bps", "repeat_decay_bps", "repeat_floor_bps", "repeat_max_orders")


class PlansClash(Conflict):
    slug, title = "plans-clash", "The plan breaks a coexistence rule"


class PlansService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def versions(self, brand_id: str) -> Sequence[PlanVersion]:
        pv = PlanVersion
        stmt = sa.select(pv).where(col(pv.brand_id) == brand_id).order_by(col(pv.plan_id), col(pv.version))
        return list((await self.session.execute(stmt)).scalars())

    async def for_partner(self, partner_id: str) -> list[PlanVersion]:
        """What pays this partner now (each plan's version in force) and any version scheduled after it."""
        p, pv = Partnership, PlanVersion
        brands = sa.select(col(p.brand_id)).where(col(p.partner_id) == partner_id)
        stmt = sa.select(pv).where(col(pv.brand_id).in_(brands)).order_by(col(pv.plan_id), col(pv.version))
        rows = [
            v
            for v in (await self.session.execute(stmt)).scalars()
            if v.kind == PlanKind.OPEN or partner_id in v.partner_ids
        ]
        now = utcnow()
        current = {v.id for v in in_force(rows, now)}
        return [v for v in rows if v.id in current or as_utc(v.effective_at) > now]

    async def create(self, brand_id: str, data: PlanCreate) -> PlanVersion:
        await self._check_refs(brand_id, data.sku_id, data.partner_ids)
        await self._check_total(brand_id, data.rate_bps)
        _check_shape(data)
        await self._check_coexistence(brand_id, data)
        version = PlanVersion(
            id=new_id("cpv"),
            plan_id=new_id("cpl"),
            version=1,
            brand_id=brand_id,
            sku_id=data.sku_id,
            kind=data.kind.value,
            rate_bps=data.rate_bps,
            partner_ids=sorted(set(data.partner_ids)),
            starts_at=data.starts_at,
            ends_at=data.ends_at,
            effective_at=utcnow(),
            **{name: getattr(data, name) for name in REPEAT_FIELDS},
        )
        return await self._save(version)

    async def publish(self, brand_id: str, plan_id: str, data: PlanVersionCreate) -> PlanVersion:
        """A new version of the plan; a decrease applies at the brand's next midnight."""
        latest = await self._latest(brand_id, plan_id)
        partner_ids = sorted(set(latest.partner_ids if data.partner_ids is None else data.partner_ids))
        await self._check_refs(brand_id, latest.sku_id, partner_ids)
        await self._check_total(brand_id, data.rate_bps)
        if latest.kind == PlanKind.EXCLUSIVE and len(partner_ids) != 1:
            raise InvalidInput("an exclusive plan names exactly one partner", extra={"field": "partner_ids"})
        settings = await rules.brand_settings(self.session, brand_id)
        when = effective_at(utcnow(), settings.timezone, data.effective_at, _is_decrease(latest, data, partner_ids))
        values = latest.model_dump(exclude={"id", "version", "created_at", "effective_at", "partner_ids", "rate_bps"})
        values.update({name: getattr(data, name) for name in REPEAT_FIELDS})
        version = PlanVersion(
            **values,
            id=new_id("cpv"),
            version=latest.version + 1,
            rate_bps=data.rate_bps,
            partner_ids=partner_ids,
            effective_at=when,
        )
        return await self._save(version)

    async def _save(self, version: PlanVersion) -> PlanVersion:
        self.session.add(version)
        await self.session.commit()
        await self.session.refresh(version)
        return version

    async def _latest(self, brand_id: str, plan_id: str) -> PlanVersion:
        rows = [v for v in await self.versions(brand_id) if v.plan_id == plan_id]
        if not rows:
            raise NotFound.of("plan", plan_id)
        return rows[-1]

    async def _check_refs(self, brand_id: str, sku_id: str | None, partner_ids: Sequence[str]) -> None:
        if sku_id is not None:
            sku = await self.session.get(Sku, sku_id)
            if sku is None or sku.brand_id != brand_id:
                raise NotFound.of("sku", sku_id)
        p = Partnership
        stmt = sa.select(col(p.partner_id)).where(col(p.brand_id) == brand_id, col(p.partner_id).in_(partner_ids))
        known = set((await self.session.execute(stmt)).scalars())
        for partner_id in partner_ids:
            if partner_id not in known:
                raise NotFound.of("partner", partner_id)

    async def _check_total(self, brand_id: str, rate_bps: Any) -> None:
        policy = await rules.policy_of(self.session, brand_id)
        _check_total(rate_bps, policy.parent_override_bps, policy.platform_fee_bps)

    async def _check_coexistence(self, brand_id: str, data: PlanCreate) -> None:
        now = utcnow()
        same = [v for v in _latest_each(await self.versions(brand_id)) if _overlaps_scope(v.sku_id, data.sku_id)]
        kinds = {v.kind for v in same if v.sku_id == data.sku_id}
        if data.kind == PlanKind.EXCLUSIVE:
            if any(v.kind == PlanKind.EXCLUSIVE and _periods_overlap(v, data) for v in same):
                raise PlansClash(
                    "another exclusive plan covers this SKU in that period", extra={"rule": "exclusive-overlap"}
                )
            return
        if any(v.kind == PlanKind.EXCLUSIVE and running(v, now) for v in same):
            raise PlansClash("an exclusive plan is running on this SKU", extra={"rule": "exclusive-running"})
        if data.kind == PlanKind.OPEN and PlanKind.OPEN in kinds:
            raise PlansClash(
                "this SKU already has an open plan; publish a new version of it", extra={"rule": "one-open"}
            )
        if data.kind == PlanKind.TARGETED and not any(v.kind == PlanKind.OPEN for v in same):
            raise PlansClash("a targeted plan needs the open plan listed first", extra={"rule": "open-first"})


def _check_shape(data: PlanCreate) -> None:
    if data.kind == PlanKind.EXCLUSIVE:
        if len(set(data.partner_ids)) != 1:
            raise InvalidInput("an exclusive plan names exactly one partner", extra={"field": "partner_ids"})
        if data.starts_at is None or data.ends_at is None or as_utc(data.ends_at) <= as_utc(data.starts_at):
            raise InvalidInput("an exclusive plan needs a period: starts_at before ends_at", extra={"field": "ends_at"})
    elif data.kind == PlanKind.TARGETED and not data.partner_ids:
        raise InvalidInput("a targeted plan names its partners", extra={"field": "partner_ids"})
    elif data.kind == PlanKind.OPEN and data.partner_ids:
        raise InvalidInput("an open plan is for every approved partner; name none", extra={"field": "partner_ids"})


def _latest_each(versions: Sequence[PlanVersion]) -> list[PlanVersion]:
    latest: dict[str, PlanVersion] = {}
    for v in versions:
        if v.plan_id not in latest or v.version > latest[v.plan_id].version:
            latest[v.plan_id] = v
    return list(latest.values())


def _overlaps_scope(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a == b


def _periods_overlap(v: PlanVersion, data: PlanCreate) -> bool:
    assert v.starts_at and v.ends_at and data.starts_at and data.ends_at  # exclusive plans have periods
    return as_utc(v.starts_at) < as_utc(data.ends_at) and as_utc(data.starts_at) < as_utc(v.ends_at)


def _is_decrease(latest: PlanVersion, data: PlanVersionCreate, partner_ids: list[str]) -> bool:
    """Lower rate, lower repeat rate, or a partner dropped: someone earns less."""
    dropped = bool(set(latest.partner_ids) - set(partner_ids))
    lower_repeat = latest.repeat_rate_bps is not None and (data.repeat_rate_bps or 0) < latest.repeat_rate_bps
    return data.rate_bps < latest.rate_bps or lower_repeat or dropped
