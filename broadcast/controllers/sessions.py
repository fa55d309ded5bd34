"""/api/v1/brands/{brand_id}/sessions and /api/v1/sessions/{session_id}[/lineup|/state|/pin]"""

from __future__ import annotations

import contextlib
from typing import Any

from litestar import Controller, Request, delete, get, patch, post, put
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout.gate import runtime as gate_runtime
from broadcast.schemas import (
    LineupItemCreate,
    LineupItemPublic,
    PinPublic,
    PinRequest,
    SessionCreate,
    SessionPublic,
    SessionTransition,
    SessionUpdate,
)
from broadcast.services import LineupService, SessionService
from server.kernel.pagination import DEFAULT_LIMIT, Page
from server.kernel.principal import Principal, Role
from server.kernel.routing import roles

A, B, F = Role.ADMIN, Role.BRAND, Role.FINANCE


def deliver_now(request: Request[Any, Any, Any]) -> None:
    """Pins and state changes must reach the live room at once: wake the outbox dispatcher."""
    request.app.state.dispatcher.wakeup.set()


async def lineup_changed(request: Request[Any, Any, Any], session_id: str) -> None:
    room = getattr(request.app.state, "liveroom", None)
    if room is not None:  # best effort: a joiner loads the line-up from the database anyway
        with contextlib.suppress(Exception):
            await room.publish_lineup(request.app.state.sessionmaker, session_id)
    await _rebuild_stock_gate(request, session_id)


async def _rebuild_stock_gate(request: Request[Any, Any, Any], session_id: str) -> None:
    """Build the session's stock gate before the crowd arrives (going live, a SKU joining the line-up);
    best effort: a checkout that finds it missing builds it too. A session that stopped selling drops it."""
    keeper = gate_runtime.of(request.app)
    if keeper is not None:
        with contextlib.suppress(Exception):
            await keeper.rebuild(session_id)


class SessionController(Controller):
    path = "/api/v1"
    tags = ["live sessions"]

    @post("/brands/{brand_id:str}/sessions", opt=roles(A, B), summary="Schedule a live session")
    async def create(self, db: AsyncSession, principal: Principal, brand_id: str, data: SessionCreate) -> SessionPublic:
        return SessionPublic.model_validate(await SessionService(db).create(principal, brand_id, data))

    @get("/brands/{brand_id:str}/sessions", opt=roles(A, B, F), summary="List a brand's sessions")
    async def list_sessions(
        self,
        db: AsyncSession,
        principal: Principal,
        brand_id: str,
        cursor: str | None = None,
        limit: int = DEFAULT_LIMIT,
    ) -> Page[SessionPublic]:
        rows, nxt = await SessionService(db).list(principal, brand_id, cursor, limit)
        return Page(items=[SessionPublic.model_validate(r) for r in rows], next_cursor=nxt)

    @get("/sessions/{session_id:str}", opt=roles(A, B, F), summary="Get a session")
    async def get_session(self, db: AsyncSession, principal: Principal, session_id: str) -> SessionPublic:
        return SessionPublic.model_validate(await SessionService(db).get(principal, session_id))

    @patch("/sessions/{session_id:str}", opt=roles(A, B), summary="Edit a scheduled or live session")
    async def update(
        self, db: AsyncSession, principal: Principal, session_id: str, data: SessionUpdate
    ) -> SessionPublic:
        return SessionPublic.model_validate(await SessionService(db).update(principal, session_id, data))

    @post(
        "/sessions/{session_id:str}/state",
        opt=roles(A, B),
        status_code=200,
        summary="Go live, end or cancel: scheduled → live → ended, scheduled → cancelled",
    )
    async def transition(
        self,
        request: Request[Any, Any, Any],
        db: AsyncSession,
        principal: Principal,
        session_id: str,
        data: SessionTransition,
    ) -> SessionPublic:
        live = await SessionService(db).transition(principal, session_id, data.state)
        deliver_now(request)
        await _rebuild_stock_gate(request, session_id)
        return SessionPublic.model_validate(live)

    @get("/sessions/{session_id:str}/lineup", opt=roles(A, B, F), summary="The session's line-up")
    async def lineup(self, db: AsyncSession, principal: Principal, session_id: str) -> Page[LineupItemPublic]:
        return Page(items=await LineupService(db).list(principal, session_id))  # whole: in show order

    @post("/sessions/{session_id:str}/lineup", opt=roles(A, B), summary="Add a SKU to the line-up")
    async def add_to_lineup(
        self,
        request: Request[Any, Any, Any],
        db: AsyncSession,
        principal: Principal,
        session_id: str,
        data: LineupItemCreate,
    ) -> LineupItemPublic:
        item = await LineupService(db).add(principal, session_id, data)
        await lineup_changed(request, session_id)
        return item

    @delete("/sessions/{session_id:str}/lineup/{sku_id:str}", opt=roles(A, B), summary="Remove from line-up")
    async def remove_from_lineup(
        self, request: Request[Any, Any, Any], db: AsyncSession, principal: Principal, session_id: str, sku_id: str
    ) -> None:
        await LineupService(db).remove(principal, session_id, sku_id)
        await lineup_changed(request, session_id)

    @put("/sessions/{session_id:str}/pin", opt=roles(A, B), summary="Pin the SKU being explained now")
    async def pin(
        self, request: Request[Any, Any, Any], db: AsyncSession, principal: Principal, session_id: str, data: PinRequest
    ) -> PinPublic:
        pin = await SessionService(db).pin(principal, session_id, data.sku_id)
        deliver_now(request)
        return PinPublic.model_validate(pin)

    @delete("/sessions/{session_id:str}/pin", opt=roles(A, B), status_code=200, summary="Unpin")
    async def unpin(
        self, request: Request[Any, Any, Any], db: AsyncSession, principal: Principal, session_id: str
    ) -> PinPublic:
        pin = await SessionService(db).pin(principal, session_id, None)
        deliver_now(request)
        return PinPublic.model_validate(pin)

    @get("/sessions/{session_id:str}/pins", opt=roles(A, B, F), summary="Pin history with timestamps")
    async def pins(
        self,
        db: AsyncSession,
        principal: Principal,
        session_id: str,
        cursor: str | None = None,
        limit: int = DEFAULT_LIMIT,
    ) -> Page[PinPublic]:
        rows, nxt = await SessionService(db).pins(principal, session_id, cursor, limit)
        return Page(items=[PinPublic.model_validate(r) for r in rows], next_cursor=nxt)
