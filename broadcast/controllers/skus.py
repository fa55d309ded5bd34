"""/api/v1/brands/{brand_id}/skus and /api/v1/skus/{sku_id}"""

from __future__ import annotations

import contextlib
from typing import Annotated, Any

from litestar import Controller, Request, get, patch, post
from litestar.params import Parameter
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout.gate import runtime as gate_runtime
from broadcast.models import SkuStatus
from broadcast.schemas import SkuCreate, SkuPublic, SkuSearch, SkuUpdate
from broadcast.services import SkuService
from broadcast.services.lineup import live_sessions_selling
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
        q: Annotated[str | None, Parameter(max_length=100, description="in the title or code, any case")] = None,
        status: SkuStatus | None = None,
    ) -> Page[SkuPublic]:
        rows, nxt = await SkuService(db).list(principal, brand_id, cursor, limit, SkuSearch(q, status))
        return Page(items=[SkuPublic.model_validate(r) for r in rows], next_cursor=nxt)

    @get("/skus/{sku_id:str}", opt=roles(A, B, F), summary="Get a SKU")
    async def get_sku(self, db: AsyncSession, principal: Principal, sku_id: str) -> SkuPublic:
        return SkuPublic.model_validate(await SkuService(db).get(principal, sku_id))

    @patch("/skus/{sku_id:str}", opt=roles(A, B), summary="Update a SKU (title, price, stock or stock_delta, status)")
    async def update(
        self, request: Request[Any, Any, Any], db: AsyncSession, principal: Principal, sku_id: str, data: SkuUpdate
    ) -> SkuPublic:
        sku = SkuPublic.model_validate(await SkuService(db).update(principal, sku_id, data))
        if data.stock is not None or data.stock_delta is not None:
            await _rebuild_gates_selling(request, db, sku_id)
        return sku


async def _rebuild_gates_selling(request: Request[Any, Any, Any], db: AsyncSession, sku_id: str) -> None:
    """Stock changed under a live sale: its stock gate is counted again from the database at once
    (best effort; the periodic reconcile would find the drift too, only later)."""
    keeper = gate_runtime.of(request.app)
    if keeper is None:
        return
    for session_id in await live_sessions_selling(db, sku_id):
        with contextlib.suppress(Exception):
            await keeper.rebuild(session_id)
