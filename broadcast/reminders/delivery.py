"""Delivering due notifications: claim, send, record.

A row is claimed by one conditional UPDATE (pending and due, or `sending` whose lease ran out);
on both PostgreSQL and SQLite only one of two racing workers sees its UPDATE match, so a row is
sent by one worker at a time. No database connection is held while the HTTP call is in flight.
A worker that dies mid-send leaves the row `sending`; once its lease passes another worker sends
it again with the same `notification_id` (at-least-once; the receiver de-duplicates on it)."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import quote

import httpx
import structlog
from sqlalchemy import ColumnElement, and_, or_
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import LiveSession, SessionState
from broadcast.reminders.confirm_messages import prepare_confirmation
from broadcast.reminders.models import (
    BrandNotifier,
    NotificationState,
    ReminderConfirmation,
    ReminderNotification,
    ReminderSubscription,
)
from broadcast.reminders.notifiers import LogNotifier, Notifier, Outcome, ReminderMessage, SendResult, WebhookNotifier
from server.kernel.clock import utcnow
from server.kernel.egress import EgressPolicy, Resolver, system_resolver

log = structlog.get_logger("reminders.delivery")
N = ReminderNotification
# Both are delivered alike: live reminders, and confirmation requests (double opt-in).
Row = type[ReminderNotification] | type[ReminderConfirmation]


@dataclass(frozen=True, slots=True)
class DeliveryConfig:
    base_url: str
    max_attempts: int = 8
    timeout_s: float = 5
    backoff_base_s: float = 30
    backoff_cap_s: float = 3600
    lease_s: float = 120
    concurrency: int = 8
    # Where webhooks may go (server/kernel/egress.py); strict unless the caller passes the settings'.
    egress: EgressPolicy = field(default_factory=EgressPolicy)
    resolver: Resolver = system_resolver
    secret_key: str = ""  # signs confirmation links (`confirm_tokens.py`)
    confirm_link_base: str = ""  # defaults to base_url


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def retry_delay_s(attempt: int, base_s: float, cap_s: float, jitter: float | None = None) -> float:
    """base × 2^(attempt-1), capped, stretched by up to 25 % so a burst of failures spreads out."""
    spread = random.random() if jitter is None else jitter
    return float(min(base_s * 2 ** max(attempt - 1, 0), cap_s) * (1 + 0.25 * spread))


def _due(now: datetime, model: Row = N) -> ColumnElement[bool]:
    """Pending and due, or claimed by a worker whose lease ran out (it may have died mid-send)."""
    return or_(
        and_(col(model.state) == NotificationState.PENDING, col(model.next_attempt_at) <= now),
        and_(col(model.state) == NotificationState.SENDING, col(model.claimed_until) <= now),
    )


async def due_ids(session: AsyncSession, limit: int, model: Row = N) -> list[str]:
    stmt = select(model.id).where(_due(utcnow(), model)).order_by(col(model.next_attempt_at)).limit(limit)
    return list((await session.exec(stmt)).all())


async def claim(session: AsyncSession, notification_id: str, lease_s: float, model: Row = N) -> bool:
    now = utcnow()
    stmt = (
        update(model)
        .where(col(model.id) == notification_id, _due(now, model))
        .values(
            state=NotificationState.SENDING,
            claimed_until=now + timedelta(seconds=lease_s),
            attempts=col(model.attempts) + 1,
        )
    )
    result = await session.exec(stmt)
    await session.commit()
    return bool(result.rowcount == 1)


async def _prepare(
    session: AsyncSession, notification_id: str, config: DeliveryConfig
) -> tuple[ReminderMessage | None, BrandNotifier | None, str | None]:
    """(the message, the brand's webhook or None, why it cannot be sent at all)."""
    note = await session.get(N, notification_id)
    sub = await session.get(ReminderSubscription, note.subscription_id) if note else None
    live = await session.get(LiveSession, note.session_id) if note else None
    if note is None or sub is None or live is None:
        return None, None, "subscription or session is gone"
    if live.state != SessionState.LIVE:
        return None, None, f"the session is {live.state}; a 'now live' reminder would be wrong"
    url = f"{config.base_url}/live/{live.id}" + (f"?ref={quote(sub.ref)}" if sub.ref else "")
    message = ReminderMessage(
        notification_id=note.id,
        session_id=live.id,
        session_title=live.title,
        live_url=url,
        channel=sub.channel,
        address=sub.address,
        brand_id=live.brand_id,
        sent_at=utcnow().isoformat(),
    )
    return message, await _hook(session, live.brand_id), None


async def _hook(session: AsyncSession, brand_id: str) -> BrandNotifier | None:
    return (await session.exec(select(BrandNotifier).where(BrandNotifier.brand_id == brand_id))).first()


def _link_base(config: DeliveryConfig) -> str:
    return config.confirm_link_base or config.base_url


def notifier_for(hook: BrandNotifier | None, client: httpx.AsyncClient, config: DeliveryConfig) -> Notifier:
    if hook is None:
        return LogNotifier()
    return WebhookNotifier(hook.url, hook.secret, client, config.timeout_s, config.egress, config.resolver)


async def record(
    session: AsyncSession,
    notification_id: str,
    result: SendResult,
    notifier: str | None,
    config: DeliveryConfig,
    model: Row = N,
) -> NotificationState:
    note: ReminderNotification | ReminderConfirmation | None = await session.get(model, notification_id)
    if note is None:
        return NotificationState.FAILED
    now = utcnow()
    note.claimed_until, note.notifier, note.last_error = None, notifier, result.error
    if result.outcome is Outcome.SENT:
        note.state, note.sent_at = NotificationState.SENT, now
        if model is N:  # a confirmation's contact is still needed for the reminder itself
            await _forget_address(session, note.subscription_id)
    elif result.outcome is Outcome.PERMANENT or note.attempts >= config.max_attempts:
        note.state = NotificationState.FAILED
    else:
        note.state = NotificationState.PENDING
        delay = retry_delay_s(note.attempts, config.backoff_base_s, config.backoff_cap_s)
        note.next_attempt_at = now + timedelta(seconds=delay)
    session.add(note)
    await session.commit()
    return NotificationState(note.state)


async def _forget_address(session: AsyncSession, subscription_id: str) -> None:
    """Delivered: the contact has served its one purpose (our personal-data promise)."""
    sub = await session.get(ReminderSubscription, subscription_id)
    if sub is not None and sub.address is not None:
        sub.address, sub.address_cleared_at = None, utcnow()
        session.add(sub)


async def deliver_one(
    maker: async_sessionmaker[AsyncSession],
    notification_id: str,
    config: DeliveryConfig,
    client: httpx.AsyncClient,
    model: Row = N,
) -> NotificationState:
    async with maker() as session:
        if model is N:
            message, hook, blocked = await _prepare(session, notification_id, config)
        else:
            message, blocked = await prepare_confirmation(
                session, notification_id, config.secret_key, _link_base(config)
            )
            hook = await _hook(session, message.brand_id) if message else None
    notifier = None
    if message is None:
        result = SendResult(Outcome.PERMANENT, blocked)
    else:
        notifier = notifier_for(hook, client, config)
        result = await notifier.send(message)
    if result.outcome is not Outcome.SENT:
        log.warning(
            "reminder not delivered", notification_id=notification_id, outcome=result.outcome.value, error=result.error
        )
    async with maker() as session:
        return await record(session, notification_id, result, notifier.name if notifier else None, config, model)


async def deliver_due(
    maker: async_sessionmaker[AsyncSession],
    config: DeliveryConfig,
    client: httpx.AsyncClient | None = None,
    limit: int = 100,
) -> DeliveryReport:
    """One pass over what is due now; safe to run from several workers at once. Up to
    `config.concurrency` sends are in flight, so one slow brand endpoint does not hold up the rest."""
    report = DeliveryReport()
    http = client or httpx.AsyncClient(trust_env=False)
    gate = asyncio.Semaphore(config.concurrency)

    async def one(notification_id: str, model: Row) -> None:
        async with gate:
            async with maker() as session:
                if not await claim(session, notification_id, config.lease_s, model):
                    return  # another worker has it
            _count(report, await deliver_one(maker, notification_id, config, http, model))

    try:
        async with maker() as session:
            due = [(i, m) for m in (ReminderConfirmation, N) for i in await due_ids(session, limit, m)]
        await asyncio.gather(*(one(i, m) for i, m in due))
    finally:
        if client is None:
            await http.aclose()
    return report


def _count(report: DeliveryReport, state: NotificationState) -> None:
    if state is NotificationState.SENT:
        report.sent += 1
    elif state is NotificationState.FAILED:
        report.failed += 1
    else:
        report.retrying += 1
