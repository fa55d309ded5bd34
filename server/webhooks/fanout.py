"""The outbox consumer: an event the catalogue routes becomes one delivery per active endpoint of
its brand that subscribed to it, in the event's own transaction-handled record (so a replayed
event adds nothing: one delivery per (endpoint, event))."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from server.kernel.clock import as_utc, utcnow
from server.kernel.contracts import contract_for
from server.kernel.ids import new_id
from server.kernel.outbox import OutboxEvent
from server.webhooks.catalogue import ROUTES
from server.webhooks.models import EndpointState, WebhookDelivery, WebhookEndpoint

RETRY_WINDOW = timedelta(days=3)


def envelope(event: OutboxEvent, name: str, brand_id: str) -> str:
    """What the receiver gets: the webhook event's name, the typed event's version and its payload
    as its contract writes it (`data`). `id` is the outbox event's: the same on every retry and
    replay, so a receiver de-duplicates on it."""
    contract = contract_for(event.topic)
    data = contract.read(event.payload, event.version).payload()
    body: dict[str, Any] = {
        "id": event.id,
        "type": name,
        "version": contract.VERSION,
        "created_at": as_utc(event.created_at).isoformat(),
        "brand_id": brand_id,
        "data": data,
    }
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False)


async def subscribers(session: AsyncSession, brand_id: str, name: str) -> list[WebhookEndpoint]:
    stmt = select(WebhookEndpoint).where(
        WebhookEndpoint.brand_id == brand_id, WebhookEndpoint.state == EndpointState.ACTIVE
    )
    return [row for row in (await session.exec(stmt)).all() if name in row.events]


async def already_queued(session: AsyncSession, event_id: str) -> set[str]:
    stmt = select(WebhookDelivery.endpoint_id).where(col(WebhookDelivery.event_id) == event_id)
    return set((await session.exec(stmt)).all())


async def queue_webhooks(session: AsyncSession, event: OutboxEvent) -> None:
    route = ROUTES[event.topic]
    name = route.event_name(event.payload)
    brand_id = await route.brand(session, event.payload) if name else None
    if name is None or brand_id is None:
        return
    endpoints = await subscribers(session, brand_id, name)
    done = await already_queued(session, event.id) if endpoints else set()
    now = utcnow()
    for endpoint in (e for e in endpoints if e.id not in done):
        session.add(
            WebhookDelivery(
                id=new_id("whd"),
                endpoint_id=endpoint.id,
                brand_id=brand_id,
                event_id=event.id,
                event=name,
                order_key=str(event.payload[route.order_key]),
                body=envelope(event, name, brand_id),
                next_attempt_at=now,
                give_up_at=now + RETRY_WINDOW,
                created_at=now,
            )
        )


EVENT_HANDLERS: dict[str, list[Any]] = {topic: [queue_webhooks] for topic in ROUTES}
