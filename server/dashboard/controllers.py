"""GET /api/v1/sessions/{id}/dashboard (the figures, curves, SKUs and partners) and its CSV
export `/dashboard.csv`; the console socket pushes the same shape as `dashboard` frames."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from sqlmodel.ext.asyncio.session import AsyncSession

from server.dashboard.report_csv import report_csv
from server.dashboard.schemas import DashboardPublic
from server.dashboard.service import DashboardService
from server.kernel.principal import Principal, Role
from server.kernel.problems import NotFound
from server.kernel.routing import roles

SEES = roles(Role.ADMIN, Role.BRAND, Role.FINANCE)


class DashboardController(Controller):
    path = "/api/v1/sessions"
    tags = ["live dashboard"]

    @get(
        "/{session_id:str}/dashboard",
        opt=SEES,
        raises=[NotFound],
        summary="The live dashboard (直播大屏): GMV, conversion, online, curves per minute, top SKUs, partners",
    )
    async def dashboard(
        self, request: Request[Any, Any, Any], db: AsyncSession, principal: Principal, session_id: str
    ) -> DashboardPublic:
        return await DashboardService(db, request.app.state).build(principal, session_id)

    @get(
        "/{session_id:str}/dashboard.csv",
        opt=SEES,
        raises=[NotFound],
        media_type="text/csv",
        summary="The session report as CSV: figures, per minute, per SKU, per partner and link, pins",
    )
    async def dashboard_csv(
        self, request: Request[Any, Any, Any], db: AsyncSession, principal: Principal, session_id: str
    ) -> Response[str]:
        report = await DashboardService(db, request.app.state).build(principal, session_id)
        filename = f"session-report-{report.session_id}.csv"
        return Response(
            report_csv(report),
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )


async def dashboard_feed(app: Any, principal: Principal, session_id: str) -> dict[str, Any]:
    """The console socket's `dashboard` frame (see broadcast/liveroom/console.py)."""
    async with app.state.sessionmaker() as db:
        report = await DashboardService(db, app.state).build(principal, session_id)
    return report.model_dump(mode="json", exclude={"as_of"})
