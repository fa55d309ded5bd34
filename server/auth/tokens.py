"""Issuing, revoking and resolving API tokens."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import Brand
from distribution.models import Partner
from server.auth.models import ApiToken
from server.auth.schemas import TokenCreate
from server.kernel.clock import utcnow
from server.kernel.ids import new_id
from server.kernel.pagination import fetch_page
from server.kernel.principal import Principal, Role
from server.kernel.problems import InvalidInput, NotFound

TOKEN_PREFIX = "zx_"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class TokenService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def issue(self, data: TokenCreate) -> tuple[ApiToken, str]:
        await self._check_binding(data)
        token = f"{TOKEN_PREFIX}{data.role.value[0]}_{secrets.token_urlsafe(32)}"
        row = ApiToken(
            id=new_id("tok"),
            name=data.name,
            role=data.role.value,
            brand_id=data.brand_id,
            partner_id=data.partner_id,
            token_hash=hash_token(token),
            token_hint=token[:10],
        )
        self.session.add(row)
        await self.session.commit()
        return row, token

    async def revoke(self, token_id: str) -> ApiToken:
        row = await self.session.get(ApiToken, token_id)
        if row is None:
            raise NotFound.of("token", token_id)
        if row.revoked_at is None:
            row.revoked_at = utcnow()
            self.session.add(row)
            await self.session.commit()
        return row

    async def list(self, cursor: str | None, limit: int) -> tuple[Sequence[ApiToken], str | None]:
        return await fetch_page(self.session, select(ApiToken), ApiToken.id, cursor, limit)

    async def resolve(self, token: str) -> Principal | None:
        """The principal for a presented token, or None if unknown or revoked."""
        if not token.startswith(TOKEN_PREFIX):
            return None
        stmt = select(ApiToken).where(ApiToken.token_hash == hash_token(token))
        row = (await self.session.exec(stmt)).first()
        if row is None or row.revoked_at is not None:
            return None
        return Principal(role=Role(row.role), token_id=row.id, brand_id=row.brand_id, partner_id=row.partner_id)

    async def _check_binding(self, data: TokenCreate) -> None:
        if data.brand_id and await self.session.get(Brand, data.brand_id) is None:
            raise InvalidInput(
                f"brand {data.brand_id!r} does not exist",
                extra={"errors": [{"field": "brand_id", "message": "unknown brand"}]},
            )
        if data.partner_id and await self.session.get(Partner, data.partner_id) is None:
            raise InvalidInput(
                f"partner {data.partner_id!r} does not exist",
                extra={"errors": [{"field": "partner_id", "message": "unknown partner"}]},
            )
