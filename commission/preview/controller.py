"""HTTP: `POST /api/v1/brands/{brand_id}/commission-preview` — reads only, writes nothing."""

from __future__ import annotations

from litestar import Controller, post
from sqlmodel.ext.asyncio.session import AsyncSession

from commission.preview.schemas import PreviewCreate, PreviewPublic
from commission.preview.service import preview
from server.kernel.principal import Principal, Role
from server.kernel.routing import roles


class CommissionPreviewController(Controller):
    path = "/api/v1/brands/{brand_id:str}"
    tags = ["commission"]

    @post(
        "/commission-preview",
        opt=roles(Role.ADMIN, Role.BRAND),
        status_code=200,
        summary="Who would earn what on an example order, as saved and with proposed rule or policy changes",
    )
    async def commission_preview(
        self, brand_id: str, data: PreviewCreate, db: AsyncSession, principal: Principal
    ) -> PreviewPublic:
        principal.ensure_brand(brand_id)
        return PreviewPublic.model_validate(await preview(db, brand_id, data))
