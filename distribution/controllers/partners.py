"""/api/v1/partners: create (admin; a partner adds its own guides), read, move in the tree."""

from __future__ import annotations

from litestar import Controller, get, patch, post
from sqlmodel.ext.asyncio.session import AsyncSession

from distribution.schemas import PartnerCreate, PartnerMove, PartnerPublic
from distribution.services import PartnerService
from server.kernel.pagination import DEFAULT_LIMIT, Page
from server.kernel.principal import Principal, Role
from server.kernel.routing import roles

A, P = Role.ADMIN, Role.PARTNER


class PartnerController(Controller):
    path = "/api/v1/partners"
    tags = ["partners"]

    @post("/", opt=roles(A, P), summary="Create a partner (admin) or one of your store guides (partner)")
    async def create(self, db: AsyncSession, principal: Principal, data: PartnerCreate) -> PartnerPublic:
        return PartnerPublic.model_validate(await PartnerService(db).create(principal, data))

    @get("/", opt=roles(A), summary="List every partner")
    async def list_partners(
        self, db: AsyncSession, cursor: str | None = None, limit: int = DEFAULT_LIMIT
    ) -> Page[PartnerPublic]:
        rows, nxt = await PartnerService(db).list(cursor, limit)
        return Page(items=[PartnerPublic.model_validate(r) for r in rows], next_cursor=nxt)

    @get("/{partner_id:str}", opt=roles(A, P), summary="Get a partner (a partner sees only itself)")
    async def get_partner(self, db: AsyncSession, principal: Principal, partner_id: str) -> PartnerPublic:
        return PartnerPublic.model_validate(await PartnerService(db).get(principal, partner_id))

    @get("/{partner_id:str}/guides", opt=roles(A, P), summary="A partner's direct sub-partners")
    async def guides(
        self,
        db: AsyncSession,
        principal: Principal,
        partner_id: str,
        cursor: str | None = None,
        limit: int = DEFAULT_LIMIT,
    ) -> Page[PartnerPublic]:
        rows, nxt = await PartnerService(db).children(principal, partner_id, cursor, limit)
        return Page(items=[PartnerPublic.model_validate(r) for r in rows], next_cursor=nxt)

    @patch("/{partner_id:str}/parent", opt=roles(A), summary="Move a partner in the tree (no cycles)")
    async def move(self, db: AsyncSession, partner_id: str, data: PartnerMove) -> PartnerPublic:
        return PartnerPublic.model_validate(await PartnerService(db).move(partner_id, data))
