"""/api/v1/admin/outbox: the dead letters, and replaying them (admin only)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import Parameter
from sqlmodel.ext.asyncio.session import AsyncSession

from server.events.dead_letters import DeadLetterService
from server.events.schemas import DeadLetterList, ReplayRequest, ReplayResult
from server.kernel.principal import Role
from server.kernel.routing import roles

ADMIN = roles(Role.ADMIN)


def _wake(request: Request[Any, Any, Any]) -> None:
    """A replayed consumer is due now: run the dispatcher without waiting for its next tick."""
    dispatcher = getattr(request.app.state, "dispatcher", None)
    if dispatcher is not None:
        dispatcher.wakeup.set()


class OutboxAdminController(Controller):
    path = "/api/v1/admin/outbox"
    tags = ["admin"]

    @get("/dead-letters", opt=ADMIN, summary="Consumers that gave up on an event, newest first")
    async def dead_letters(
        self, db: AsyncSession, limit: int = Parameter(default=200, ge=1, le=1000)
    ) -> DeadLetterList:
        return await DeadLetterService(db).list(limit)

    @post("/events/{event_id:str}/replay", opt=ADMIN, status_code=200, summary="Retry an event's failed consumers now")
    async def replay(
        self,
        db: AsyncSession,
        request: Request[Any, Any, Any],
        event_id: str,
        data: ReplayRequest | None = None,
    ) -> ReplayResult:
        replayed = await DeadLetterService(db).replay(event_id, data.handler if data else None)
        _wake(request)
        return ReplayResult(replayed=replayed)

    @post("/dead-letters/replay", opt=ADMIN, status_code=200, summary="Retry every dead letter now")
    async def replay_all(self, db: AsyncSession, request: Request[Any, Any, Any]) -> ReplayResult:
        replayed = await DeadLetterService(db).replay_all()
        _wake(request)
        return ReplayResult(replayed=replayed)
