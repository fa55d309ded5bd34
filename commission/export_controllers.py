"""HTTP API of statement exports in the background (for ranges too large for `statement.csv`):
start one (202), follow it, download its file. A brand's are the brand's, a partner's the
partner's; anyone else gets 404."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.datastructures import State
from litestar.response import Stream
from sqlmodel.ext.asyncio.session import AsyncSession

from commission.models import StatementExport
from commission.reports.export_schemas import StatementExportCreate, StatementExportPublic
from commission.services.reports_service import period
from commission.services.statement_exports import (
    ExportNotReady,
    ensure_finished,
    export_parts,
    exports_of,
    get_export,
    start_export,
)
from server.kernel.principal import Principal, Role
from server.kernel.problems import InvalidInput, NotFound
from server.kernel.routing import roles

BRAND_SIDE = roles(Role.ADMIN, Role.BRAND, Role.FINANCE)
PARTNER_SIDE = roles(Role.ADMIN, Role.FINANCE, Role.PARTNER)
BASES = {"brand": "/api/v1/brands", "partner": "/api/v1/partners"}


def public(export: StatementExport) -> StatementExportPublic:
    url = f"{BASES[export.owner_type]}/{export.owner_id}/statement-exports/{export.id}"
    return StatementExportPublic.model_validate(
        {**export.model_dump(), "file_url": f"{url}/file" if export.state == "finished" else None}
    )


async def _start(
    state: State, owner: tuple[str, str], data: StatementExportCreate, by: str | None
) -> StatementExportPublic:
    since, until = period(data.since, data.until)
    export = await start_export(state.sessionmaker, *owner, since, until, by)
    exports_of(state).launch(export)
    return public(export)


def _file(state: State, export: StatementExport) -> Stream:
    name = f"statement-{export.owner_id}-{export.since:%Y%m%d}-{export.until:%Y%m%d}.csv"
    return Stream(
        export_parts(state.sessionmaker, ensure_finished(export)),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


class BrandStatementExportController(Controller):
    path = "/api/v1/brands/{brand_id:str}/statement-exports"
    tags = ["commission"]

    @post("/", opt=BRAND_SIDE, status_code=202, raises=[InvalidInput], summary="Export a statement in the background")
    async def start(
        self, brand_id: str, data: StatementExportCreate, state: State, principal: Principal
    ) -> StatementExportPublic:
        principal.ensure_brand(brand_id)
        return await _start(state, ("brand", brand_id), data, principal.token_id)

    @get("/{export_id:str}", opt=BRAND_SIDE, raises=[NotFound])
    async def follow(
        self, brand_id: str, export_id: str, db: AsyncSession, principal: Principal
    ) -> StatementExportPublic:
        principal.ensure_brand(brand_id)
        return public(await get_export(db, "brand", brand_id, export_id))

    @get("/{export_id:str}/file", opt=BRAND_SIDE, media_type="text/csv", raises=[NotFound, ExportNotReady])
    async def file(self, brand_id: str, export_id: str, db: AsyncSession, state: State, principal: Principal) -> Stream:
        principal.ensure_brand(brand_id)
        return _file(state, await get_export(db, "brand", brand_id, export_id))


class PartnerStatementExportController(Controller):
    path = "/api/v1/partners/{partner_id:str}/statement-exports"
    tags = ["commission"]

    @post("/", opt=PARTNER_SIDE, status_code=202, raises=[InvalidInput], summary="Export a statement in the background")
    async def start(
        self, partner_id: str, data: StatementExportCreate, state: State, principal: Principal
    ) -> StatementExportPublic:
        principal.ensure_partner(partner_id)
        return await _start(state, ("partner", partner_id), data, principal.token_id)

    @get("/{export_id:str}", opt=PARTNER_SIDE, raises=[NotFound])
    async def follow(
        self, partner_id: str, export_id: str, db: AsyncSession, principal: Principal
    ) -> StatementExportPublic:
        principal.ensure_partner(partner_id)
        return public(await get_export(db, "partner", partner_id, export_id))

    @get("/{export_id:str}/file", opt=PARTNER_SIDE, media_type="text/csv", raises=[NotFound, ExportNotReady])
    async def file(
        self, partner_id: str, export_id: str, db: AsyncSession, state: State, principal: Principal
    ) -> Stream:
        principal.ensure_partner(partner_id)
        return _file(state, await get_export(db, "partner", partner_id, export_id))


ROUTE_HANDLERS: list[Any] = [BrandStatementExportController, PartnerStatementExportController]
