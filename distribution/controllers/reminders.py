"""/api/v1/partners/{id}/reminders: how many viewers asked to be reminded through my links."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Controller, get
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.reminders.controllers import REF_RESOLVER_STATE
from broadcast.reminders.schemas import PartnerSessionCount
from distribution.services.reminder_counts import partner_session_counts, resolve_refs
from server.kernel.pagination import Page
from server.kernel.principal import Principal, Role
from server.kernel.routing import roles


class PartnerReminderController(Controller):
    path = "/api/v1/partners/{partner_id:str}/reminders"
    tags = ["pre-live reminders"]

    @get("/", opt=roles(Role.ADMIN, Role.PARTNER), summary="Per session: subscriptions through my links")
    async def counts(self, db: AsyncSession, principal: Principal, partner_id: str) -> Page[PartnerSessionCount]:
        return Page(items=await partner_session_counts(db, principal, partner_id))


@asynccontextmanager
async def reminder_ref_resolver(app: Any) -> AsyncIterator[None]:
    """LIFESPAN: lets broadcast's reminder stats name partners without importing distribution."""
    setattr(app.state, REF_RESOLVER_STATE, resolve_refs)
    yield
