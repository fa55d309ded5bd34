"""`GET /api/v1/partners/{id}/customers`: the buyers bound to me (私域), masked."""

from __future__ import annotations

from litestar import Controller, get
from sqlmodel.ext.asyncio.session import AsyncSession

from distribution.customer_schemas import CustomerPublic
from distribution.models import Partner
from distribution.services.customers import partner_customers
from server.kernel.clock import utcnow
from server.kernel.pagination import DEFAULT_LIMIT, Page
from server.kernel.principal import Principal, Role
from server.kernel.problems import NotFound
from server.kernel.routing import roles


class CustomerController(Controller):
    path = "/api/v1/partners/{partner_id:str}/customers"
    tags = ["partners"]

    @get(
        "/",
        opt=roles(Role.ADMIN, Role.PARTNER),
        summary="My bound customers (私域), masked, last order first; `?cursor=` from `next_cursor` for more",
    )
    async def customers(
        self,
        db: AsyncSession,
        principal: Principal,
        partner_id: str,
        cursor: str | None = None,
        limit: int = DEFAULT_LIMIT,
    ) -> Page[CustomerPublic]:
        principal.ensure_partner(partner_id)
        if await db.get(Partner, partner_id) is None:
            raise NotFound.of("partner", partner_id)
        rows, nxt = await partner_customers(db, partner_id, utcnow(), cursor, limit)
        return Page(items=rows, next_cursor=nxt)
