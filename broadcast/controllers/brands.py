"""/api/v1/brands"""

from __future__ import annotations

from litestar import Controller, get, patch, post
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.schemas import BrandCreate, BrandPublic, BrandUpdate
from broadcast.services import BrandService
from server.kernel.pagination import DEFAULT_LIMIT, Page
from server.kernel.principal import Principal, Role
from server.kernel.routing import roles

A, B, F = Role.ADMIN, Role.BRAND, Role.FINANCE


class BrandController(Controller):
    path = "/api/v1/brands"
    tags = ["brands"]

    @post("/", opt=roles(A), summary="Create a brand (admin)")
    async def create(self, db: AsyncSession, data: BrandCreate) -> BrandPublic:
        return BrandPublic.model_validate(await BrandService(db).create(data))

    @get("/", opt=roles(A, B, F), summary="List brands you can see")
    async def list_brands(
        self, db: AsyncSession, principal: Principal, cursor: str | None = None, limit: int = DEFAULT_LIMIT
    ) -> Page[BrandPublic]:
        rows, nxt = await BrandService(db).list(principal, cursor, limit)
        return Page(items=[BrandPublic.model_validate(r) for r in rows], next_cursor=nxt)

    @get("/{brand_id:str}", opt=roles(A, B, F), summary="Get a brand")
    async def get_brand(self, db: AsyncSession, principal: Principal, brand_id: str) -> BrandPublic:
        return BrandPublic.model_validate(await BrandService(db).get(principal, brand_id))

    @patch("/{brand_id:str}", opt=roles(A, B), summary="Update a brand's name, currency or settings")
    async def update(self, db: AsyncSession, principal: Principal, brand_id: str, data: BrandUpdate) -> BrandPublic:
        return BrandPublic.model_validate(await BrandService(db).update(principal, brand_id, data))
