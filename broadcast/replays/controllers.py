"""HTTP: the brand attaches a recording (PUT), the viewer's page reads the replay (public GET),
the brand reads its live and replay figures apart."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, put
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.controllers.sessions import deliver_now, lineup_changed
from broadcast.replays.figures import replay_figures
from broadcast.replays.recording import ReplayService
from broadcast.replays.schemas import ReplayAttach, ReplayFigures, ReplayPublic
from broadcast.replays.timeline import replay_of
from broadcast.schemas import SessionPublic
from broadcast.services import SessionService
from server.kernel.principal import Principal, Role
from server.kernel.routing import PUBLIC, roles

A, B, F = Role.ADMIN, Role.BRAND, Role.FINANCE


class ReplayController(Controller):
    path = "/api/v1/sessions/{session_id:str}"
    tags = ["replays"]

    @put("/replay", opt=roles(A, B), summary="Attach the recording to an ended session: it becomes a replay")
    async def attach(
        self,
        request: Request[Any, Any, Any],
        db: AsyncSession,
        principal: Principal,
        session_id: str,
        data: ReplayAttach,
    ) -> SessionPublic:
        live = await ReplayService(db).attach(principal, session_id, str(data.playback_url))
        deliver_now(request)
        await lineup_changed(request, session_id)  # replay prices, and the stock gate for its sales
        return SessionPublic.model_validate(live)

    @get("/replay", opt=PUBLIC, summary="The replay: recording, moments with their offsets, chapters")
    async def replay(self, db: AsyncSession, session_id: str) -> ReplayPublic:
        return await replay_of(db, session_id)

    @get("/replay/figures", opt=roles(A, B, F), summary="Live and replay views and sales, apart")
    async def figures(self, db: AsyncSession, principal: Principal, session_id: str) -> ReplayFigures:
        return await replay_figures(db, await SessionService(db).get(principal, session_id))
