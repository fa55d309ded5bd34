"""Brand–partner partnerships: a partner applies, the brand approves, rejects or suspends."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import Brand
from broadcast.schemas import BrandSettings
from distribution.models import Partner, Partnership, PartnershipState
from distribution.problems import PartnershipRequired
from distribution.schemas import BrandPartnershipPublic, PartnershipDecision, PartnershipPublic
from server.kernel.clock import utcnow
from server.kernel.ids import new_id
from server.kernel.pagination import fetch_page
from server.kernel.principal import Principal
from server.kernel.problems import Conflict, IllegalTransition, InvalidInput, NotFound

S = PartnershipState
ALLOWED: dict[S, set[S]] = {
    S.PENDING: {S.APPROVED, S.REJECTED},
    S.APPROVED: {S.SUSPENDED},
    S.SUSPENDED: {S.APPROVED, S.REJECTED},
    S.REJECTED: {S.APPROVED},
}
# A partner turned away or stopped is told why (the reason shows on its console).
NEEDS_REASON = {S.REJECTED, S.SUSPENDED}


class PartnershipService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def apply(self, principal: Principal, partner_id: str, brand_id: str) -> Partnership:
        principal.ensure_partner(partner_id)
        if await self.session.get(Partner, partner_id) is None:
            raise NotFound.of("partner", partner_id)
        if await self.session.get(Brand, brand_id) is None:
            raise NotFound.of("brand", brand_id)
        if await self.find(brand_id, partner_id) is not None:
            raise Conflict("this partner already has a partnership with this brand")
        row = Partnership(id=new_id("pts"), brand_id=brand_id, partner_id=partner_id)
        self.session.add(row)
        await self.session.commit()
        return row

    async def decide(self, principal: Principal, partnership_id: str, data: PartnershipDecision) -> Partnership:
        row = await self.session.get(Partnership, partnership_id)
        if row is None:
            raise NotFound.of("partnership", partnership_id)
        principal.ensure_brand(row.brand_id, "partnership", partnership_id)
        _check_decision(S(row.state), data)
        row.state, row.decided_at, row.decision_reason = data.state.value, utcnow(), data.reason
        if data.use_brand_default:
            row.commission_bps = None
        elif data.commission_bps is not None:
            row.commission_bps = data.commission_bps
        self.session.add(row)
        await self.session.commit()
        return row

    async def of_brand(
        self, principal: Principal, brand_id: str, state: S | None, cursor: str | None, limit: int
    ) -> tuple[list[BrandPartnershipPublic], str | None]:
        principal.ensure_brand(brand_id)
        stmt = (
            select(Partnership, Partner)
            .join(Partner, col(Partner.id) == Partnership.partner_id)
            .where(Partnership.brand_id == brand_id)
        )
        if state is not None:
            stmt = stmt.where(Partnership.state == state.value)
        rows, nxt = await fetch_page(self.session, stmt, col(Partnership.id), cursor, limit)  # type: ignore[arg-type]
        default_bps = await self._default_bps(brand_id)
        return [brand_view(ship, partner, default_bps) for ship, partner in rows], nxt

    async def brand_view(self, row: Partnership) -> BrandPartnershipPublic:
        partner = await self.session.get(Partner, row.partner_id)
        assert partner is not None  # a foreign key
        return brand_view(row, partner, await self._default_bps(row.brand_id))

    async def _default_bps(self, brand_id: str) -> int:
        brand = await self.session.get(Brand, brand_id)
        return BrandSettings.model_validate((brand.settings if brand else None) or {}).default_commission_bps

    async def of_partner(
        self, principal: Principal, partner_id: str, cursor: str | None, limit: int
    ) -> tuple[Sequence[Partnership], str | None]:
        principal.ensure_partner(partner_id)
        stmt = select(Partnership).where(Partnership.partner_id == partner_id)
        return await fetch_page(self.session, stmt, Partnership.id, cursor, limit)

    async def find(self, brand_id: str, partner_id: str) -> Partnership | None:
        stmt = select(Partnership).where(Partnership.brand_id == brand_id, Partnership.partner_id == partner_id)
        return (await self.session.exec(stmt)).first()

    async def require_approved(self, brand_id: str, partner_id: str) -> Partnership:
        row = await self.find(brand_id, partner_id)
        if row is None or row.state != S.APPROVED:
            raise PartnershipRequired(f"partner {partner_id!r} has no approved partnership with brand {brand_id!r}")
        return row


def _check_decision(current: S, data: PartnershipDecision) -> None:
    if data.state != current and data.state not in ALLOWED[current]:
        raise IllegalTransition(f"a {current.value} partnership cannot become {data.state.value}")
    if data.state in NEEDS_REASON and data.reason is None:
        raise InvalidInput(
            f"say why the partnership is {data.state.value}: the partner is shown the reason",
            extra={"errors": [{"field": "reason", "message": f"a reason is required to {_VERB[data.state]}"}]},
        )
    if data.use_brand_default and data.commission_bps is not None:
        raise InvalidInput(
            "give a rate or use the brand default, not both",
            extra={"errors": [{"field": "commission_bps", "message": "leave empty to use the brand default"}]},
        )


_VERB = {S.REJECTED: "reject", S.SUSPENDED: "suspend"}


def brand_view(row: Partnership, partner: Partner, default_bps: int) -> BrandPartnershipPublic:
    own = row.commission_bps is not None
    return BrandPartnershipPublic(
        **PartnershipPublic.model_validate(row).model_dump(),
        partner_name=partner.name,
        parent_partner_id=partner.parent_id,
        effective_commission_bps=row.commission_bps if row.commission_bps is not None else default_bps,
        rate_source="partnership" if own else "brand_default",
    )
