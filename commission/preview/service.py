"""The preview: an example order split under the saved rules and under the proposed ones.

Proposals are checked by the same `RulesService` checks that saving runs, then laid over the
rate book read from the database (a proposed rule replaces the saved one of the same scope), and
the order is split by accrual's own `split_order`."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import Brand, LiveSession, Sku
from broadcast.schemas import BrandSettings
from commission import rules
from commission.accrual import split_order
from commission.accrual_context import OrderContext
from commission.models import CommissionPolicy
from commission.preview.schemas import PreviewCreate, PreviewShare, ProposedChanges, SplitPreview
from commission.services.rules_service import RulesService
from commission.splits import Parties, Split
from distribution.models import Partner, Partnership
from server.kernel.problems import InvalidInput, NotFound

PLATFORM_NAME = "Platform"


@dataclass(frozen=True, slots=True)
class ProposedRule:
    """Shaped as a rate book's rule row, so `RateBook.rates` treats it as a saved one."""

    id: str
    kind: str
    partner_id: str | None
    session_id: str | None
    sku_id: str
    rate_bps: Decimal


@dataclass(frozen=True, slots=True)
class Scene:
    """Everything a split reads: the rate book, the brand's settings and its split policy."""

    book: rules.RateBook
    settings: BrandSettings
    policy: CommissionPolicy

    def split(self, amount_minor: int, parties: Parties, session_id: str | None, lines: list[tuple[str, int]]) -> Split:
        payload = {
            "amount_minor": amount_minor,
            "session_id": session_id,
            "lines": [{"sku_id": sku_id, "amount_minor": amount} for sku_id, amount in lines],
        }
        return split_order(payload, parties, OrderContext(False, self.settings, self.policy, 0), self.book)


@dataclass(frozen=True, slots=True)
class Example:
    brand: Brand
    currency: str
    parties: Parties
    lines: list[tuple[str, int]]
    names: dict[str, str]

    @property
    def amount_minor(self) -> int:
        return sum(amount for _, amount in self.lines)


async def preview(session: AsyncSession, brand_id: str, data: PreviewCreate) -> dict[str, Any]:
    example = await _example(session, brand_id, data)
    partner_ids = [p for p in (example.parties.partner_id,) if p]
    book = await rules.rate_book(session, brand_id, partner_ids, sorted({sku for sku, _ in example.lines}))
    now = Scene(book, await rules.brand_settings(session, brand_id), await rules.policy_of(session, brand_id))
    then = await _proposed(session, brand_id, now, data)
    return {
        "brand_id": brand_id,
        "currency": example.currency,
        "amount_minor": example.amount_minor,
        "current": _public(now.split(example.amount_minor, example.parties, data.session_id, example.lines), example),
        "proposed": _public(then.split(example.amount_minor, example.parties, data.session_id, example.lines), example),
    }


async def _example(session: AsyncSession, brand_id: str, data: PreviewCreate) -> Example:
    brand = await session.get(Brand, brand_id)
    if brand is None:
        raise NotFound.of("brand", brand_id)
    skus = await _skus(session, brand_id, [line.sku_id for line in data.lines])
    currencies = {sku.currency for sku in skus.values()}
    if len(currencies) > 1:
        raise InvalidInput(
            "an order is in one currency", extra={"errors": [{"field": "lines", "message": "mixed currencies"}]}
        )
    if data.session_id is not None:
        live = await session.get(LiveSession, data.session_id)
        if live is None or live.brand_id != brand_id:
            raise NotFound.of("session", data.session_id)
    partner = await _partner(session, brand_id, data.partner_id)
    parent = await session.get(Partner, partner.parent_id) if partner and partner.parent_id else None
    parties = Parties(
        brand_id, partner.id if partner else None, parent.id if parent and partner and parent.id != partner.id else None
    )
    lines = [
        (line.sku_id, skus[line.sku_id].price_minor if line.amount_minor is None else line.amount_minor)
        for line in data.lines
    ]
    names = {brand.id: brand.name, "platform": PLATFORM_NAME}
    names.update({p.id: p.name for p in (partner, parent) if p is not None})
    return Example(brand, currencies.pop(), parties, lines, names)


async def _skus(session: AsyncSession, brand_id: str, sku_ids: list[str]) -> dict[str, Sku]:
    found = {
        sku.id: sku
        for sku in (await session.exec(select(Sku).where(col(Sku.id).in_(sku_ids), Sku.brand_id == brand_id))).all()
    }
    for sku_id in sku_ids:
        if sku_id not in found:
            raise NotFound.of("sku", sku_id)
    return found


async def _partner(session: AsyncSession, brand_id: str, partner_id: str | None) -> Partner | None:
    """Only a partner who has a partnership with this brand: another brand's partners stay unseen."""
    if partner_id is None:
        return None
    stmt = (
        select(Partner)
        .join(Partnership, col(Partnership.partner_id) == Partner.id)
        .where(Partnership.brand_id == brand_id, Partner.id == partner_id)
    )
    partner = (await session.exec(stmt)).first()
    if partner is None:
        raise NotFound.of("partner", partner_id)
    return partner


async def _proposed(session: AsyncSession, brand_id: str, now: Scene, data: PreviewCreate) -> Scene:
    asked, service, scene = data.proposed, RulesService(session), now
    if asked.policy is not None:
        await service.check_policy(brand_id, asked.policy)
        scene = _with_policy(scene, brand_id, asked)
    if asked.rule is not None:
        kind = await service.check_rule(brand_id, asked.rule, scene.policy)
        rule = asked.rule
        proposed = ProposedRule("proposed", kind.value, rule.partner_id, rule.session_id, rule.sku_id, rule.rate_bps)
        scene = replace(scene, book=_with_rule(scene.book, proposed))
    if "partnership_bps" in asked.model_fields_set:
        scene = replace(scene, book=_with_partnership_rate(scene.book, data.partner_id, asked.partnership_bps))
    return scene


def _with_policy(scene: Scene, brand_id: str, asked: ProposedChanges) -> Scene:
    assert asked.policy is not None
    policy = CommissionPolicy(
        brand_id=brand_id,
        platform_fee_bps=asked.policy.platform_fee_bps,
        parent_override_bps=asked.policy.parent_override_bps,
    )
    settings = scene.settings
    if asked.policy.default_commission_bps is not None:
        settings = settings.model_copy(update={"default_commission_bps": asked.policy.default_commission_bps})
    return replace(scene, policy=policy, settings=settings)


def _with_rule(book: rules.RateBook, proposed: ProposedRule) -> rules.RateBook:
    def same_scope(row: Any) -> bool:
        return (row.kind, row.partner_id or None, row.session_id or None, row.sku_id) == (
            proposed.kind,
            proposed.partner_id,
            proposed.session_id,
            proposed.sku_id,
        )

    return replace(book, rules=[row for row in book.rules if not same_scope(row)] + [proposed])


def _with_partnership_rate(book: rules.RateBook, partner_id: str | None, bps: int | None) -> rules.RateBook:
    if partner_id is None:
        raise InvalidInput(
            "a partnership rate needs the partner it is for",
            extra={"errors": [{"field": "partner_id", "message": "choose a partner"}]},
        )
    ships = {p: v for p, v in book.partnerships.items() if p != partner_id}
    if bps is not None:
        ship_id = book.partnerships.get(partner_id, ("proposed",))[0]
        ships[partner_id] = (ship_id, Decimal(bps))
    return replace(book, partnerships=ships)


def _public(split: Split, example: Example) -> SplitPreview:
    shares = [
        PreviewShare(
            party=line.party,
            owner_id=line.owner_id,
            owner_name=example.names.get(line.owner_id, line.owner_id),
            sku_id=line.sku_id,
            base_minor=line.base_minor,
            rate_bps=line.rate_bps,
            amount_minor=line.amount_minor,
            rule=line.rule,
        )
        for line in split.lines
    ]
    return SplitPreview(
        shares=shares,
        partner_minor=split.total("partner"),
        parent_minor=split.total("parent"),
        platform_fee_minor=split.total("platform"),
        brand_net_minor=split.total("brand"),
    )
