"""Brand–partner partnerships: a partner applies, the brand approves, rejects or suspends."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import Brand
from distribution.models import Partner, Partnership, PartnershipState
from distribution.problems import PartnershipRequired
from distribution.schemas import PartnershipDecision
from server.kernel.clock import utcnow
from server.kernel.ids import new_id
from server.kernel.pagination import fetch_page
from server.kernel.principal import Principal
from server.kernel.problems import Conflict, IllegalTransition, NotFound

S = PartnershipState
ALLOWED: dict[S, set[S]] = {
    S.PENDING: {S.APPROVED, S.REJECTED},
    S.APPROVED: {S.SUSPENDED},
    S.SUSPENDED: {S.APPROVED, S.REJECTED},
    S.REJECTED: {S.APPROVED},
}


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
        if data.state != row.state and data.state not in ALLOWED[S(row.state)]:
            raise IllegalTransition(f"a {row.state} partnership cannot become {data.state.value}")
        row.state, row.decided_at = data.state.value, utcnow()
        if data.commission_bps is not None:
            row.commission_bps = data.commission_bps
        self.session.add(row)
        await self.session.commit()
        return row

    async def of_brand(
        self, principal: Principal, brand_id: str, state: S | None, cursor: str | None, limit: int
    ) -> tuple[Sequence[Partnership], str | None]:
        principal.ensure_brand(brand_id)
        stmt = select(Partnership).where(Partnership.brand_id == brand_id)
        if state is not None:
            stmt = stmt.where(Partnership.state == state.value)
        return await fetch_page(self.session, stmt, Partnership.id, cursor, limit)

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
