"""`GET /api/v1/partners/{id}/earnings`: what the partner's console shows of its money."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get
from litestar.datastructures import State
from sqlmodel.ext.asyncio.session import AsyncSession

from commission.reports.earnings import partner_earnings
from commission.reports.earnings_schemas import EarningsPublic
from distribution.models import Partner
from server.kernel.clock import utcnow
from server.kernel.principal import Principal, Role
from server.kernel.problems import NotFound
from server.kernel.routing import roles


class PartnerEarningsController(Controller):
    path = "/api/v1/partners/{partner_id:str}"
    tags = ["commission"]

    @get(
        "/earnings",
        opt=roles(Role.ADMIN, Role.FINANCE, Role.PARTNER),
        summary="A partner's balances, clawback and its cause, next release and payout, and payouts (the ledger's)",
    )
    async def earnings(self, partner_id: str, db: AsyncSession, principal: Principal, state: State) -> EarningsPublic:
        principal.ensure_partner(partner_id)
        if await db.get(Partner, partner_id) is None:
            raise NotFound.of("partner", partner_id)
        return await partner_earnings(db, partner_id, utcnow(), state.settings.payout_weekday)


ROUTE_HANDLERS: list[Any] = [PartnerEarningsController]
