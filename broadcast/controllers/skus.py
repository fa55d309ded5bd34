"""/api/v1/brands/{brand_id}/skus and /api/v1/skus/{sku_id}"""

from __future__ import annotations

from litestar import Controller, get, patch, post
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.schemas import SkuCreate, SkuPublic, SkuUpdate
from broadcast.services import SkuService
from server.kernel.pagination import DEFAULT_LIMIT, Page
from server.kernel.principal import Principal, Role
from server.kernel.routing import roles

A, B, F = Role.ADMIN, Role.BRAND, Role.FINANCE


class SkuController(Controller):
    path = "/api/v1"
    tags = ["skus"]

    @post("/brands/{brand_id:str}/skus", opt=roles(A, B), summary="Create a SKU")
    async def create(self, db: AsyncSession, principal: Principal, brand_id: str, data: SkuCreate) -> SkuPublic:
        return SkuPublic.model_validate(await SkuService(db).create(principal, brand_id, data))

    @get("/brands/{brand_id:str}/skus", opt=roles(A, B, F), summary="List a brand's SKUs")
    async def list_skus(
        self,
        db: AsyncSession,
        principal: Principal,
        brand_id: str,
        cursor: str | None = None,
        limit: int = DEFAULT_LIMIT,
    ) -> Page[SkuPublic]:
        rows, nxt = await SkuService(db).list(principal, brand_id, cursor, limit)
        return Page(items=[SkuPublic.model_validate(r) for r in rows], next_cursor=nxt)

    @get("/skus/{sku_id:str}", opt=roles(A, B, F), summary="Get a SKU")
    async def get_sku(self, db: AsyncSession, principal: Principal, sku_id: str) -> SkuPublic:
        return SkuPublic.model_validate(await SkuService(db).get(principal, sku_id))

    @patch("/skus/{sku_id:str}", opt=roles(A, B), summary="Update a SKU (title, price, stock, status)")
    async def update(self, db: AsyncSession, principal: Principal, sku_id: str, data: SkuUpdate) -> SkuPublic:
        return SkuPublic.model_validate(await SkuService(db).update(principal, sku_id, data))
