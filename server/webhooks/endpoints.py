"""A brand's webhook endpoints: register (the secret shown once), change, rotate the secret with
an overlap window, re-enable, remove. The URL rule is the reminder notifier's (`check_url`)."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import Brand
from broadcast.reminders.brand_notifiers import SECRET_PREFIX, check_url, hint
from server.kernel.clock import utcnow
from server.kernel.egress import EgressPolicy
from server.kernel.ids import new_id
from server.kernel.pagination import Page
from server.kernel.principal import Principal
from server.kernel.problems import InvalidInput, NotFound
from server.webhooks.catalogue import EVENT_NAMES
from server.webhooks.models import EndpointState, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from server.webhooks.schemas import EndpointCreate, EndpointPublic, EndpointUpdate, SecretRotate

MAX_ENDPOINTS = 10
BY_BRAND = "disabled by the brand"


def check_events(events: list[str]) -> list[str]:
    unknown = [e for e in events if e not in EVENT_NAMES]
    if unknown:
        raise InvalidInput(
            f"unknown webhook events: {', '.join(unknown[:5])}",
            extra={"errors": [{"field": "events", "message": f"each one of: {', '.join(EVENT_NAMES)}"}]},
        )
    return list(dict.fromkeys(events))


def public(row: WebhookEndpoint, shown_secret: str | None = None) -> EndpointPublic:
    return EndpointPublic(
        id=row.id,
        brand_id=row.brand_id,
        url=row.url,
        events=list(row.events),
        description=row.description,
        state=row.state,
        disabled_at=row.disabled_at,
        disabled_reason=row.disabled_reason,
        disabled_by=None
        if row.state == EndpointState.ACTIVE
        else "brand"
        if row.disabled_reason == BY_BRAND
        else "failures",
        consecutive_failures=row.consecutive_failures,
        secret_hint=hint(row.secret),
        previous_secret_until=row.previous_secret_until if row.previous_secret else None,
        secret=shown_secret,
        created_at=row.created_at,
    )


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_hex(24)


class EndpointService:
    def __init__(self, session: AsyncSession, production: bool, egress: EgressPolicy) -> None:
        self.session, self.production, self.egress = session, production, egress

    async def list(self, principal: Principal, brand_id: str) -> Page[EndpointPublic]:
        """All of them in one page: a brand has at most MAX_ENDPOINTS."""
        await self._brand(principal, brand_id)
        stmt = select(WebhookEndpoint).where(WebhookEndpoint.brand_id == brand_id).order_by(col(WebhookEndpoint.id))
        return Page(items=[public(row) for row in (await self.session.exec(stmt)).all()])

    async def create(self, principal: Principal, brand_id: str, data: EndpointCreate) -> EndpointPublic:
        await self._brand(principal, brand_id)
        if len((await self.list(principal, brand_id)).items) >= MAX_ENDPOINTS:
            raise InvalidInput(f"a brand has at most {MAX_ENDPOINTS} webhook endpoints")
        row = WebhookEndpoint(
            id=new_id("whe"),
            brand_id=brand_id,
            url=check_url(data.url, self.production, self.egress),
            events=check_events(data.events),
            description=data.description,
            secret=new_secret(),
        )
        self.session.add(row)
        await self.session.commit()
        return public(row, row.secret)

    async def get(self, principal: Principal, brand_id: str, endpoint_id: str) -> EndpointPublic:
        return public(await self.find(principal, brand_id, endpoint_id))

    async def update(
        self, principal: Principal, brand_id: str, endpoint_id: str, data: EndpointUpdate
    ) -> EndpointPublic:
        row = await self.find(principal, brand_id, endpoint_id)
        if data.url is not None:
            row.url = check_url(data.url, self.production, self.egress)
        if data.events is not None:
            row.events = check_events(data.events)
        if "description" in data.model_fields_set:
            row.description = data.description
        if data.enabled is not None:
            set_enabled(row, data.enabled)
        row.updated_at = utcnow()
        return await self._save(row)

    async def rotate(self, principal: Principal, brand_id: str, endpoint_id: str, data: SecretRotate) -> EndpointPublic:
        """A new secret, shown once; the old one keeps signing (a second `v1`) for the overlap."""
        row = await self.find(principal, brand_id, endpoint_id)
        row.previous_secret = row.secret if data.overlap_hours else None
        row.previous_secret_until = utcnow() + timedelta(hours=data.overlap_hours) if data.overlap_hours else None
        row.secret = new_secret()
        row.updated_at = utcnow()
        saved = await self._save(row)
        return saved.model_copy(update={"secret": row.secret})

    async def delete(self, principal: Principal, brand_id: str, endpoint_id: str) -> None:
        """Removing an endpoint stops its deliveries; its log goes with it."""
        row = await self.find(principal, brand_id, endpoint_id)
        deliveries = select(WebhookDelivery.id).where(WebhookDelivery.endpoint_id == row.id)
        await self.session.exec(delete(WebhookAttempt).where(col(WebhookAttempt.delivery_id).in_(deliveries)))
        await self.session.exec(delete(WebhookDelivery).where(col(WebhookDelivery.endpoint_id) == row.id))
        await self.session.delete(row)
        await self.session.commit()

    async def find(self, principal: Principal, brand_id: str, endpoint_id: str) -> WebhookEndpoint:
        await self._brand(principal, brand_id)
        row = await self.session.get(WebhookEndpoint, endpoint_id)
        if row is None or row.brand_id != brand_id:
            raise NotFound.of("webhook endpoint", endpoint_id)
        return row

    async def _save(self, row: WebhookEndpoint) -> EndpointPublic:
        self.session.add(row)
        await self.session.commit()
        return public(row)

    async def _brand(self, principal: Principal, brand_id: str) -> None:
        principal.ensure_brand(brand_id)
        if await self.session.get(Brand, brand_id) is None:
            raise NotFound.of("brand", brand_id)


def set_enabled(row: WebhookEndpoint, enabled: bool) -> None:
    """Re-enabling starts the failure count afresh; its waiting deliveries go out again."""
    if enabled:
        row.state, row.disabled_at, row.disabled_reason, row.consecutive_failures = EndpointState.ACTIVE, None, None, 0
    elif row.state != EndpointState.DISABLED:
        row.state, row.disabled_at, row.disabled_reason = EndpointState.DISABLED, utcnow(), BY_BRAND


def signing_secrets(row: WebhookEndpoint) -> list[str]:
    """The secrets a delivery is signed with now: the current one, and the previous one while its
    overlap window lasts."""
    live = row.previous_secret and row.previous_secret_until and row.previous_secret_until > utcnow()
    return [row.secret, row.previous_secret] if live and row.previous_secret else [row.secret]
