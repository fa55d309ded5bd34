"""/api/v1/admin/tokens and /api/v1/me"""

from __future__ import annotations

from litestar import Controller, delete, get, post
from sqlmodel.ext.asyncio.session import AsyncSession

from server.auth.schemas import TokenCreate, TokenIssued, TokenPublic, WhoAmI
from server.auth.tokens import TokenService
from server.kernel.pagination import DEFAULT_LIMIT, Page
from server.kernel.principal import Principal, Role
from server.kernel.routing import ALL_ROLES, roles


class TokenController(Controller):
    path = "/api/v1/admin/tokens"
    tags = ["admin"]

    @post("/", opt=roles(Role.ADMIN), summary="Issue a token (shown once)")
    async def issue(self, db: AsyncSession, data: TokenCreate) -> TokenIssued:
        row, token = await TokenService(db).issue(data)
        return TokenIssued(**TokenPublic.model_validate(row).model_dump(), token=token)

    @get("/", opt=roles(Role.ADMIN), summary="List tokens (hints only)")
    async def list_tokens(
        self, db: AsyncSession, cursor: str | None = None, limit: int = DEFAULT_LIMIT
    ) -> Page[TokenPublic]:
        rows, nxt = await TokenService(db).list(cursor, limit)
        return Page(items=[TokenPublic.model_validate(r) for r in rows], next_cursor=nxt)

    @delete("/{token_id:str}", opt=roles(Role.ADMIN), status_code=200, summary="Revoke a token")
    async def revoke(self, db: AsyncSession, token_id: str) -> TokenPublic:
        return TokenPublic.model_validate(await TokenService(db).revoke(token_id))


class MeController(Controller):
    path = "/api/v1/me"
    tags = ["auth"]

    @get("/", opt=roles(*ALL_ROLES), summary="Who this token is")
    async def me(self, principal: Principal) -> WhoAmI:
        return WhoAmI(
            role=principal.role,
            token_id=principal.token_id,
            brand_id=principal.brand_id,
            partner_id=principal.partner_id,
        )
