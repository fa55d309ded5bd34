"""The brand's read of why one of its paid orders earns for a partner."""

from __future__ import annotations

from litestar import Controller, get
from sqlmodel.ext.asyncio.session import AsyncSession

from distribution.attribution.order_reading import AttributionPublic, attribution_of
from server.kernel.principal import Principal, Role
from server.kernel.routing import roles


class OrderAttributionController(Controller):
    path = "/api/v1/orders/{order_id:str}/attribution"
    tags = ["attribution"]

    @get("/", opt=roles(Role.ADMIN, Role.BRAND, Role.FINANCE), summary="Why a paid order earns (or not) for a partner")
    async def get_attribution(self, db: AsyncSession, principal: Principal, order_id: str) -> AttributionPublic:
        return await attribution_of(db, principal, order_id)
