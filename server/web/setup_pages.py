"""Pages of the brand's set-up, each a shell its script fills through the same API a script would
use: the catalogue `/console/catalogue` (find, create and edit SKUs, stock by a delta, archive)
and the schedule `/console/schedule` (schedule and edit sessions, build the line-up, go live, end
or cancel), the settings `/console/settings` (the brand's policies and its reminder notifier) and
the order webhooks `/console/webhooks` (endpoints, their delivery log, replay)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.response import Redirect, Template
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import Brand
from server.auth.guard import authenticate
from server.kernel.principal import Principal, Role
from server.kernel.problems import NotAuthenticated
from server.webhooks.catalogue import EVENT_NAMES


async def _brand_of(db: AsyncSession, principal: Principal, asked: str | None) -> Brand | None:
    """A brand token works on its own brand; an admin names one with ?brand=."""
    brand_id = principal.brand_id if principal.role is Role.BRAND else asked
    return await db.get(Brand, brand_id) if brand_id else None


async def setup_page(
    request: Request[Any, Any, Any],
    db: AsyncSession,
    template: str,
    brand: str | None,
    extra: dict[str, Any] | None = None,
) -> Response[Any]:
    """A console shell for a brand (or an admin naming one); anyone else gets the page's refusal."""
    try:
        principal = await authenticate(request)
    except NotAuthenticated:
        return Redirect(f"/signin?next={request.url.path}", status_code=303)
    if principal.role not in (Role.BRAND, Role.ADMIN):
        return Template(template, status_code=403, context={"forbidden": True, "brand": None, **(extra or {})})
    context = {"forbidden": False, "brand": await _brand_of(db, principal, brand), **(extra or {})}
    return Template(template, context=context)


@get("/console/catalogue", include_in_schema=False)
async def catalogue(request: Request[Any, Any, Any], db: AsyncSession, brand: str | None = None) -> Response[Any]:
    return await setup_page(request, db, "console_catalogue.html", brand)


@get("/console/settings", include_in_schema=False)
async def settings(request: Request[Any, Any, Any], db: AsyncSession, brand: str | None = None) -> Response[Any]:
    return await setup_page(request, db, "console_settings.html", brand)


@get("/console/webhooks", include_in_schema=False)
async def webhooks(request: Request[Any, Any, Any], db: AsyncSession, brand: str | None = None) -> Response[Any]:
    return await setup_page(request, db, "console_webhooks.html", brand, {"event_names": EVENT_NAMES})


@get("/console/schedule", include_in_schema=False)
async def schedule(request: Request[Any, Any, Any], db: AsyncSession, brand: str | None = None) -> Response[Any]:
    return await setup_page(request, db, "console_schedule.html", brand)


ROUTE_HANDLERS: list[Any] = [catalogue, schedule, settings, webhooks]
