"""Page: the brand's catalogue `/console/catalogue` — find, create and edit SKUs, adjust stock by a
delta, archive and restore. Everything goes through the same API a script would use."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.response import Redirect, Template
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import Brand
from server.auth.guard import authenticate
from server.kernel.principal import Principal, Role
from server.kernel.problems import NotAuthenticated


async def _brand_of(db: AsyncSession, principal: Principal, asked: str | None) -> Brand | None:
    """A brand token works on its own brand; an admin names one with ?brand=."""
    brand_id = principal.brand_id if principal.role is Role.BRAND else asked
    return await db.get(Brand, brand_id) if brand_id else None


@get("/console/catalogue", include_in_schema=False)
async def catalogue(request: Request[Any, Any, Any], db: AsyncSession, brand: str | None = None) -> Response[Any]:
    try:
        principal = await authenticate(request)
    except NotAuthenticated:
        return Redirect("/signin?next=/console/catalogue", status_code=303)
    if principal.role not in (Role.BRAND, Role.ADMIN):
        return Template("console_catalogue.html", status_code=403, context={"forbidden": True, "brand": None})
    found = await _brand_of(db, principal, brand)
    return Template("console_catalogue.html", context={"forbidden": False, "brand": found})


ROUTE_HANDLERS: list[Any] = [catalogue]
