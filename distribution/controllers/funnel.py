"""GET /api/v1/sessions/{id}/funnel: the partner funnel now (the websocket pushes the same shape)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from sqlmodel.ext.asyncio.session import AsyncSession

from distribution.funnel.snapshot import FunnelService
from distribution.schemas import FunnelSnapshot
from server.kernel.principal import Principal, Role
from server.kernel.routing import roles


class FunnelController(Controller):
    path = "/api/v1/sessions"
    tags = ["partner funnel"]

    @get(
        "/{session_id:str}/funnel",
        opt=roles(Role.ADMIN, Role.BRAND, Role.PARTNER, Role.FINANCE),
        summary="Clicks → viewers → likes → cart adds → orders → GMV → estimated commission",
    )
    async def funnel(
        self, request: Request[Any, Any, Any], db: AsyncSession, principal: Principal, session_id: str
    ) -> FunnelSnapshot:
        return await FunnelService(db, request.app.state).snapshot(principal, session_id)
