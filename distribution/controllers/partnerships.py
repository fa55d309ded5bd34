"""Partnerships: a partner applies to a brand; the brand approves, rejects or suspends it."""

from __future__ import annotations

from litestar import Controller, get, post
from sqlmodel.ext.asyncio.session import AsyncSession

from distribution.models import PartnershipState
from distribution.schemas import BrandPartnershipPublic, PartnershipApply, PartnershipDecision, PartnershipPublic
from distribution.services import PartnershipService
from server.kernel.pagination import DEFAULT_LIMIT, Page
from server.kernel.principal import Principal, Role
from server.kernel.routing import roles

A, B, P, F = Role.ADMIN, Role.BRAND, Role.PARTNER, Role.FINANCE


class PartnershipController(Controller):
    path = "/api/v1"
    tags = ["partnerships"]

    @post("/partners/{partner_id:str}/partnerships", opt=roles(A, P), summary="Apply to a brand")
    async def apply(
        self, db: AsyncSession, principal: Principal, partner_id: str, data: PartnershipApply
    ) -> PartnershipPublic:
        row = await PartnershipService(db).apply(principal, partner_id, data.brand_id)
        return PartnershipPublic.model_validate(row)

    @get("/partners/{partner_id:str}/partnerships", opt=roles(A, P, F), summary="A partner's partnerships")
    async def of_partner(
        self,
        db: AsyncSession,
        principal: Principal,
        partner_id: str,
        cursor: str | None = None,
        limit: int = DEFAULT_LIMIT,
    ) -> Page[PartnershipPublic]:
        rows, nxt = await PartnershipService(db).of_partner(principal, partner_id, cursor, limit)
        return Page(items=[PartnershipPublic.model_validate(r) for r in rows], next_cursor=nxt)

    @get(
        "/brands/{brand_id:str}/partnerships",
        opt=roles(A, B, F),
        summary="A brand's partnerships (`?status=pending` …)",
    )
    async def of_brand(
        self,
        db: AsyncSession,
        principal: Principal,
        brand_id: str,
        status: PartnershipState | None = None,
        cursor: str | None = None,
        limit: int = DEFAULT_LIMIT,
    ) -> Page[BrandPartnershipPublic]:
        items, nxt = await PartnershipService(db).of_brand(principal, brand_id, status, cursor, limit)
        return Page(items=items, next_cursor=nxt)

    @post(
        "/partnerships/{partnership_id:str}/decision",
        opt=roles(A, B),
        status_code=200,
        summary="Approve, reject or suspend with a reason (and set the partnership's commission rate)",
    )
    async def decide(
        self, db: AsyncSession, principal: Principal, partnership_id: str, data: PartnershipDecision
    ) -> BrandPartnershipPublic:
        service = PartnershipService(db)
        return await service.brand_view(await service.decide(principal, partnership_id, data))
