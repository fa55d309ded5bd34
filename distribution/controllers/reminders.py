"""/api/v1/partners/{id}/reminders: how many viewers asked to be reminded through my links."""

from __future__ import annotations

from litestar import Controller, get
from litestar.di import Provide
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.reminders.schemas import PartnerSessionCount
from broadcast.reminders.stats import RefResolver
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


def provide_ref_resolver() -> RefResolver:
    return resolve_refs


# Lets broadcast's reminder stats name partners without importing distribution (a dependency the
# composition root registers app-wide, as it does `db`).
DEPENDENCIES = {"reminder_ref_resolver": Provide(provide_ref_resolver, sync_to_thread=False, use_cache=True)}
