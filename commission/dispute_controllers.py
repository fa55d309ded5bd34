"""HTTP API of disputes: the brand's own list (console) and finance's list of every brand's."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get
from sqlmodel.ext.asyncio.session import AsyncSession

from commission.dispute_schemas import DisputeFilter, DisputePublic
from commission.services.disputes_service import DisputesService
from server.kernel.pagination import DEFAULT_LIMIT, Page
from server.kernel.principal import Principal, Role
from server.kernel.routing import roles


class BrandDisputesController(Controller):
    path = "/api/v1/brands/{brand_id:str}/disputes"
    tags = ["commission"]

    @get("/", opt=roles(Role.ADMIN, Role.BRAND, Role.FINANCE), summary="The brand's card disputes")
    async def list_disputes(
        self,
        brand_id: str,
        db: AsyncSession,
        principal: Principal,
        status: DisputeFilter = DisputeFilter.OPEN,
        cursor: str | None = None,
        limit: int = DEFAULT_LIMIT,
    ) -> Page[DisputePublic]:
        principal.ensure_brand(brand_id)
        return await DisputesService(db).list(brand_id, status, cursor, limit)


class FinanceDisputesController(Controller):
    path = "/api/v1/finance/disputes"
    tags = ["finance"]

    @get("/", opt=roles(Role.ADMIN, Role.FINANCE), summary="Every brand's card disputes")
    async def list_disputes(
        self,
        db: AsyncSession,
        status: DisputeFilter = DisputeFilter.OPEN,
        brand_id: str | None = None,
        cursor: str | None = None,
        limit: int = DEFAULT_LIMIT,
    ) -> Page[DisputePublic]:
        return await DisputesService(db).list(brand_id, status, cursor, limit)


ROUTE_HANDLERS: list[Any] = [BrandDisputesController, FinanceDisputesController]
