"""Partners and their tree: channel partners (渠道商) with store guides (导购) under them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from distribution.models import Partner
from distribution.problems import PartnerTreeCycle
from distribution.schemas import PartnerCreate, PartnerMove
from server.kernel.ids import new_id
from server.kernel.pagination import fetch_page
from server.kernel.principal import Principal, Role
from server.kernel.problems import Forbidden, NotFound

MAX_DEPTH = 64  # far deeper than any real channel; bounds the walk up the tree


class PartnerService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(self, principal: Principal, data: PartnerCreate) -> Partner:
        parent_id = data.parent_id
        if principal.role is Role.PARTNER:
            # A partner token signs up its own store guides, never a stranger's.
            if parent_id not in (None, principal.partner_id):
                raise Forbidden("a partner may only add guides under itself")
            parent_id = principal.partner_id
        if parent_id is not None and await self.session.get(Partner, parent_id) is None:
            raise NotFound.of("partner", parent_id)
        partner = Partner(
            id=new_id("ptn"),
            name=data.name,
            contact=data.contact,
            payout_country=data.payout_country,
            parent_id=parent_id,
        )
        self.session.add(partner)
        await self.session.commit()
        return partner

    async def get(self, principal: Principal, partner_id: str) -> Partner:
        principal.ensure_partner(partner_id)
        partner = await self.session.get(Partner, partner_id)
        if partner is None:
            raise NotFound.of("partner", partner_id)
        return partner

    async def list(self, cursor: str | None, limit: int) -> tuple[Sequence[Partner], str | None]:
        return await fetch_page(self.session, select(Partner), Partner.id, cursor, limit)

    async def children(
        self, principal: Principal, partner_id: str, cursor: str | None, limit: int
    ) -> tuple[Sequence[Partner], str | None]:
        await self.get(principal, partner_id)
        stmt = select(Partner).where(Partner.parent_id == partner_id)
        return await fetch_page(self.session, stmt, Partner.id, cursor, limit)

    async def move(self, partner_id: str, data: PartnerMove) -> Partner:
        partner = await self.session.get(Partner, partner_id)
        if partner is None:
            raise NotFound.of("partner", partner_id)
        if data.parent_id is not None:
            await self._check_acyclic(partner_id, data.parent_id)
        partner.parent_id = data.parent_id
        self.session.add(partner)
        await self.session.commit()
        return partner

    async def _check_acyclic(self, partner_id: str, parent_id: str) -> None:
        """Walk up from the new parent: meeting the partner itself means the move closes a loop."""
        current: str | None = parent_id
        for _ in range(MAX_DEPTH):
            if current is None:
                return
            if current == partner_id:
                raise PartnerTreeCycle(
                    f"{parent_id!r} is {partner_id!r} or one of its descendants",
                    extra={"errors": [{"field": "parent_id", "message": "would make a cycle"}]},
                )
            node = await self.session.get(Partner, current)
            if node is None:
                raise NotFound.of("partner", current)
            current = node.parent_id
        raise PartnerTreeCycle(f"the tree above {parent_id!r} is deeper than {MAX_DEPTH} levels")
