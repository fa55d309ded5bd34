"""HTTP: viewers subscribe (public, visitor cookie); brands read counts and set their notifier."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, delete, get, post, put
from litestar.params import Parameter
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.reminders.brand_notifiers import BrandNotifierService
from broadcast.reminders.confirmations import AskPolicy
from broadcast.reminders.confirming import confirm
from broadcast.reminders.problems import ConfirmationExpired, ConfirmationInvalid, ConfirmationUsed
from broadcast.reminders.schemas import (
    NotifierPublic,
    NotifierSet,
    ReminderConfirm,
    ReminderCreate,
    ReminderPublic,
    ReminderStats,
)
from broadcast.reminders.stats import RefResolver, session_stats
from broadcast.reminders.subscriptions import SubscriptionService
from server.kernel.client_address import client_address
from server.kernel.cookies import respond, visitor_id
from server.kernel.principal import Principal, Role
from server.kernel.routing import PUBLIC, roles

A, B = Role.ADMIN, Role.BRAND
AnyRequest = Request[Any, Any, Any]


class ReminderController(Controller):
    path = "/api/v1/sessions/{session_id:str}/reminders"
    tags = ["pre-live reminders"]

    @post("/", opt=PUBLIC, summary="Remind me when this scheduled session goes live (201 new, 200 updated)")
    async def subscribe(
        self,
        db: AsyncSession,
        request: AnyRequest,
        session_id: str,
        data: ReminderCreate,
        ref: str | None = Parameter(default=None, max_length=64),
    ) -> Response[ReminderPublic]:
        vid, new = visitor_id(request)
        body, created = await SubscriptionService(db).subscribe(session_id, vid, data, ref, ask_policy(request))
        return respond(body, vid, new, status_code=201 if created else 200)

    @delete("/", opt=PUBLIC, status_code=200, summary="Do not remind me (only before it goes live)")
    async def unsubscribe(self, db: AsyncSession, request: AnyRequest, session_id: str) -> Response[ReminderPublic]:
        vid, new = visitor_id(request)
        return respond(await SubscriptionService(db).unsubscribe(session_id, vid), vid, new)

    @get("/me", opt=PUBLIC, summary="Whether this viewer is subscribed (address masked)")
    async def mine(self, db: AsyncSession, request: AnyRequest, session_id: str) -> Response[ReminderPublic]:
        vid, new = visitor_id(request)
        return respond(await SubscriptionService(db).mine(session_id, vid), vid, new)

    @get("/stats", opt=roles(A, B), summary="Subscribers, by partner, and delivery status")
    async def stats(
        self, db: AsyncSession, principal: Principal, session_id: str, reminder_ref_resolver: RefResolver
    ) -> ReminderStats:
        """`reminder_ref_resolver` names the partners (link code → partner): distribution provides
        it through the composition root, so the live end never imports distribution."""
        return await session_stats(db, principal, session_id, reminder_ref_resolver)


class ReminderConfirmController(Controller):
    path = "/api/v1/reminders/confirmations"
    tags = ["pre-live reminders"]

    @post(
        "/",
        opt=PUBLIC,
        status_code=200,
        summary="Confirm a reminder contact with the token from its confirmation link (single use; expires)",
        raises=[ConfirmationInvalid, ConfirmationUsed, ConfirmationExpired],
    )
    async def confirm(self, db: AsyncSession, request: AnyRequest, data: ReminderConfirm) -> ReminderPublic:
        return await confirm(db, data.token, request.app.state.settings.secret_key)


def ask_policy(request: AnyRequest) -> AskPolicy:
    settings = request.app.state.settings
    return AskPolicy(
        client_address(request), settings.reminder_subscriptions_per_client_per_hour, settings.reminder_confirm_hours
    )


class BrandNotifierController(Controller):
    path = "/api/v1/brands/{brand_id:str}/notifier"
    tags = ["pre-live reminders"]

    @get("/", opt=roles(A, B), summary="Where reminders go: the brand's webhook (secret masked) or the log")
    async def get_notifier(self, db: AsyncSession, principal: Principal, brand_id: str) -> NotifierPublic:
        return await BrandNotifierService(db).get(principal, brand_id)

    @put("/", opt=roles(A, B), summary="Set the webhook URL; the signing secret is shown once (create/rotate)")
    async def put_notifier(
        self, db: AsyncSession, request: AnyRequest, principal: Principal, brand_id: str, data: NotifierSet
    ) -> Response[NotifierPublic]:
        settings = request.app.state.settings
        service = BrandNotifierService(db)
        body, created = await service.put(principal, brand_id, data, settings.is_production, settings.egress_policy)
        return Response(body, status_code=201 if created else 200)

    @delete("/", opt=roles(A, B), summary="Remove the webhook: reminders go to the log again")
    async def delete_notifier(self, db: AsyncSession, principal: Principal, brand_id: str) -> None:
        await BrandNotifierService(db).delete(principal, brand_id)
