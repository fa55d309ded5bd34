"""Delivering due webhooks: claim, send, record, like the reminder worker (`broadcast.reminders.delivery`).

A delivery is due when it is pending and its time has come (or `sending` with its lease run out:
its worker died mid-send), its endpoint is active, and no earlier delivery to that endpoint about
the same order (`order_key`) is unfinished: a later event for an order waits for the earlier one,
so a receiver sees an order's events in the order they happened. It is claimed by one conditional
UPDATE (only one of two racing workers matches), and no connection is held during the HTTP call.
Failures back off exponentially (with jitter) for up to `give_up_at` (3 days); an endpoint whose
attempts keep failing (`disable_after_failures` in a row) is disabled, and its console says why."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import timedelta

import httpx
import structlog
from sqlalchemy import ColumnElement, and_, exists, or_
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm import aliased
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from server.events.retry import RetryPolicy
from server.kernel.clock import as_utc, utcnow
from server.kernel.egress import EgressPolicy, Resolver, system_resolver
from server.kernel.ids import new_id
from server.kernel.signed_post import Outcome, PostResult, SignedPost
from server.webhooks.endpoints import signing_secrets
from server.webhooks.models import DeliveryState, EndpointState, WebhookAttempt, WebhookDelivery, WebhookEndpoint

log = structlog.get_logger("webhooks.sending")
D = WebhookDelivery
UNFINISHED = (DeliveryState.PENDING, DeliveryState.SENDING)


@dataclass(frozen=True, slots=True)
class SendConfig:
    egress: EgressPolicy = field(default_factory=EgressPolicy)
    resolver: Resolver = system_resolver
    timeout_s: float = 10
    retry: RetryPolicy = field(default_factory=lambda: RetryPolicy(max_attempts=1000, base_s=30, cap_s=6 * 3600))
    disable_after_failures: int = 20  # attempts in a row: about three days of backoff
    lease_s: float = 120
    concurrency: int = 8


@dataclass
class SendReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def _claimable() -> ColumnElement[bool]:
    now = utcnow()
    return or_(
        and_(col(D.state) == DeliveryState.PENDING, col(D.next_attempt_at) <= now),
        and_(col(D.state) == DeliveryState.SENDING, col(D.claimed_until) <= now),
    )


def _no_earlier_unfinished() -> ColumnElement[bool]:
    earlier = aliased(WebhookDelivery)
    return ~exists().where(
        earlier.endpoint_id == D.endpoint_id,
        earlier.order_key == D.order_key,
        earlier.event_id < D.event_id,
        col(earlier.state).in_(UNFINISHED),
    )


def _endpoint_active() -> ColumnElement[bool]:
    return exists().where(WebhookEndpoint.id == D.endpoint_id, WebhookEndpoint.state == EndpointState.ACTIVE)


def due() -> ColumnElement[bool]:
    return and_(_claimable(), _endpoint_active(), _no_earlier_unfinished())


async def due_ids(session: AsyncSession, limit: int) -> list[str]:
    stmt = select(D.id).where(due()).order_by(col(D.event_id)).limit(limit)
    return list((await session.exec(stmt)).all())


async def claim(session: AsyncSession, delivery_id: str, lease_s: float) -> bool:
    stmt = (
        update(D)
        .where(col(D.id) == delivery_id, due())
        .values(
            state=DeliveryState.SENDING,
            claimed_until=utcnow() + timedelta(seconds=lease_s),
            attempts=col(D.attempts) + 1,
        )
    )
    result = await session.exec(stmt)
    await session.commit()
    return bool(result.rowcount == 1)


async def send_one(maker: async_sessionmaker[AsyncSession], delivery_id: str, post: SignedPost) -> PostResult | None:
    async with maker() as session:
        delivery = await session.get(D, delivery_id)
        endpoint = await session.get(WebhookEndpoint, delivery.endpoint_id) if delivery else None
        if delivery is None or endpoint is None:
            return None
        url, body, secrets = endpoint.url, delivery.body, signing_secrets(endpoint)
        headers = {
            "User-Agent": "Zhixiang-Webhooks/1",
            "Idempotency-Key": delivery.event_id,
            "Zhixiang-Event": delivery.event,
        }
    return await post.send(url, body, secrets, headers)


async def deliver_due(
    maker: async_sessionmaker[AsyncSession],
    config: SendConfig,
    client: httpx.AsyncClient | None = None,
    limit: int = 100,
) -> SendReport:
    """One pass over what is due now; safe from several workers at once. A delivery that
    succeeds may make the next one for its order due: the next pass sends it."""
    report = SendReport()
    http = client or httpx.AsyncClient(trust_env=False)
    post = SignedPost(http, config.egress, config.resolver, config.timeout_s)
    gate = asyncio.Semaphore(config.concurrency)

    async def one(delivery_id: str) -> None:
        async with gate:
            async with maker() as session:
                if not await claim(session, delivery_id, config.lease_s):
                    return
            result = await send_one(maker, delivery_id, post)
            async with maker() as session:
                _count(report, await record(session, delivery_id, result, config))

    try:
        async with maker() as session:
            ids = await due_ids(session, limit)
        await asyncio.gather(*(one(i) for i in ids))
    finally:
        if client is None:
            await http.aclose()
    return report


async def record(
    session: AsyncSession, delivery_id: str, result: PostResult | None, config: SendConfig
) -> DeliveryState:
    delivery = await session.get(D, delivery_id)
    if delivery is None:
        return DeliveryState.FAILED
    result = result or PostResult(Outcome.PERMANENT, "the endpoint is gone")
    now = utcnow()
    session.add(_attempt(delivery_id, result))
    delivery.claimed_until, delivery.last_status, delivery.last_error = None, result.status, result.error
    if result.outcome is Outcome.SENT:
        delivery.state, delivery.sent_at = DeliveryState.SENT, now
    else:
        next_at = config.retry.next_attempt_at(delivery.attempts, now)
        gave_up = result.outcome is Outcome.PERMANENT or next_at > as_utc(delivery.give_up_at)
        delivery.state = DeliveryState.FAILED if gave_up else DeliveryState.PENDING
        delivery.next_attempt_at = next_at
    session.add(delivery)
    await _tally(session, delivery, result, config)
    await session.commit()
    return DeliveryState(delivery.state)


def _attempt(delivery_id: str, result: PostResult) -> WebhookAttempt:
    return WebhookAttempt(
        id=new_id("wha"),
        delivery_id=delivery_id,
        attempted_at=utcnow(),
        outcome=result.outcome.value,
        status=result.status,
        latency_ms=result.latency_ms,
        excerpt=result.excerpt,
        error=result.error,
    )


async def _tally(session: AsyncSession, delivery: WebhookDelivery, result: PostResult, config: SendConfig) -> None:
    """Success resets the endpoint's failure count; a run of failures, or a delivery that ran out
    of time, disables it (the brand re-enables it on the console once its receiver is fixed)."""
    endpoint = await session.get(WebhookEndpoint, delivery.endpoint_id)
    if endpoint is None:
        return
    endpoint.consecutive_failures = 0 if result.outcome is Outcome.SENT else endpoint.consecutive_failures + 1
    ran_out = delivery.state == DeliveryState.FAILED and result.outcome is Outcome.RETRY
    if endpoint.state == EndpointState.ACTIVE and (
        ran_out or endpoint.consecutive_failures >= config.disable_after_failures
    ):
        endpoint.state, endpoint.disabled_at = EndpointState.DISABLED, utcnow()
        endpoint.disabled_reason = f"{endpoint.consecutive_failures} attempts in a row failed (last: {result.error})"
        log.warning("webhook endpoint disabled", endpoint_id=endpoint.id, brand_id=endpoint.brand_id)
    session.add(endpoint)


def _count(report: SendReport, state: DeliveryState) -> None:
    if state is DeliveryState.SENT:
        report.sent += 1
    elif state is DeliveryState.FAILED:
        report.failed += 1
    else:
        report.retrying += 1
