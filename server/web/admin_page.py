"""Page: the admin's home (`/admin`) — every brand, partner and API token (hints only, never a
token), each linked to where an admin works on it. Issuing and revoking tokens stay on the API
and the CLI (`zhixiang token create`), where a new token can be shown once."""

from __future__ import annotations

from typing import Any

from litestar import get
from litestar.response import Template
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import Brand
from distribution.models import Partner
from server.auth.models import ApiToken
from server.kernel.principal import Role
from server.kernel.routing import roles

ROWS_SHOWN = 200


@get("/admin", include_in_schema=False, opt=roles(Role.ADMIN))
async def admin_home(db: AsyncSession) -> Template:
    brands = (await db.exec(select(Brand).order_by(col(Brand.name)).limit(ROWS_SHOWN))).all()
    partners = (await db.exec(select(Partner).order_by(col(Partner.name)).limit(ROWS_SHOWN))).all()
    tokens = (await db.exec(select(ApiToken).order_by(col(ApiToken.created_at).desc()).limit(ROWS_SHOWN))).all()
    names = {b.id: b.name for b in brands} | {p.id: p.name for p in partners}
    context: dict[str, Any] = {"brands": brands, "partners": partners, "tokens": tokens, "names": names}
    return Template("admin.html", context=context)


ROUTE_HANDLERS: list[Any] = [admin_home]
