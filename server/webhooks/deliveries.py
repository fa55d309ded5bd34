"""An endpoint's delivery log (newest first, each with its attempts) and the replay action."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from server.kernel.clock import utcnow
from server.kernel.pagination import Page, fetch_page
from server.kernel.principal import Principal
from server.kernel.problems import NotFound
from server.webhooks.endpoints import EndpointService
from server.webhooks.fanout import RETRY_WINDOW
from server.webhooks.models import DeliveryState, WebhookAttempt, WebhookDelivery
from server.webhooks.schemas import AttemptPublic, DeliveryPublic


def public(row: WebhookDelivery, attempts: list[WebhookAttempt]) -> DeliveryPublic:
    waiting = row.state in (DeliveryState.PENDING, DeliveryState.SENDING)
    return DeliveryPublic(
        id=row.id,
        endpoint_id=row.endpoint_id,
        event_id=row.event_id,
        event=row.event,
        order_key=row.order_key,
        state=row.state,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at if waiting else None,
        sent_at=row.sent_at,
        created_at=row.created_at,
        log=[AttemptPublic.model_validate(a) for a in attempts],
    )


class DeliveryService:
    def __init__(self, session: AsyncSession, endpoints: EndpointService) -> None:
        self.session, self.endpoints = session, endpoints

    async def log(
        self, principal: Principal, brand_id: str, endpoint_id: str, cursor: str | None, limit: int
    ) -> Page[DeliveryPublic]:
        """Newest first (delivery ids are time-ordered, made as their events were handled)."""
        await self.endpoints.find(principal, brand_id, endpoint_id)
        stmt = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)
        rows, next_cursor = await fetch_page(self.session, stmt, col(WebhookDelivery.id), cursor, limit, True)
        attempts = await self._attempts([r.id for r in rows])
        return Page(items=[public(r, attempts.get(r.id, [])) for r in rows], next_cursor=next_cursor)

    async def replay(self, principal: Principal, brand_id: str, endpoint_id: str, delivery_id: str) -> DeliveryPublic:
        """Send it again (same body, same `id`: the receiver may de-duplicate), now, with a new
        three days of retries; like any delivery it waits for an earlier unfinished one of its order."""
        await self.endpoints.find(principal, brand_id, endpoint_id)
        row = await self.session.get(WebhookDelivery, delivery_id)
        if row is None or row.endpoint_id != endpoint_id:
            raise NotFound.of("webhook delivery", delivery_id)
        now = utcnow()
        if row.state != DeliveryState.SENDING:  # one in flight is about to be recorded anyway
            row.state, row.next_attempt_at, row.give_up_at = DeliveryState.PENDING, now, now + RETRY_WINDOW
        self.session.add(row)
        await self.session.commit()
        return public(row, (await self._attempts([row.id])).get(row.id, []))

    async def _attempts(self, ids: list[str]) -> dict[str, list[WebhookAttempt]]:
        if not ids:
            return {}
        stmt = (
            select(WebhookAttempt)
            .where(col(WebhookAttempt.delivery_id).in_(ids))
            .order_by(col(WebhookAttempt.id).desc())
        )
        found: dict[str, list[WebhookAttempt]] = {}
        for attempt in (await self.session.exec(stmt)).all():
            found.setdefault(attempt.delivery_id, []).append(attempt)
        return found
