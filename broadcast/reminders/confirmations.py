"""Double opt-in. A new contact (or one whose last link expired) gets a confirmation message
through the brand's notifier, delivered like a reminder (`delivery.py`); only a confirmed contact
gets the live reminder. Asking is limited per client address: at most
`reminder_subscriptions_per_client_per_hour` confirmations an hour (429 with Retry-After), counted
from `reminder_confirmations` rows — kept after an unsubscribe, so subscribe-unsubscribe loops count
too — under a lock on the address's name (exact under concurrency)."""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.reminders.models import NotificationState, ReminderConfirmation, ReminderSubscription
from broadcast.reminders.problems import SubscriptionsExhausted
from server.kernel.clock import as_utc, utcnow
from server.kernel.ids import new_id
from server.kernel.xact_lock import lock_names

WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class AskPolicy:
    """Who asks, how often an address may, and how long a confirmation link lives."""

    client_address: str | None = None
    per_client_per_hour: int = 0  # 0 = no cap
    confirm_hours: float = 24


def needs_asking(sub: ReminderSubscription, contact_changed: bool) -> bool:
    """A changed contact must be confirmed again; an unconfirmed one whose link lapsed is asked again."""
    if contact_changed:
        return True
    lapsed = sub.confirm_expires_at is not None and as_utc(sub.confirm_expires_at) <= utcnow()
    return sub.confirmed_at is None and (sub.confirm_nonce is None or lapsed)


async def drop_unsent(session: AsyncSession, subscription_id: str, why: str) -> None:
    """Confirmations of `subscription_id` not yet sent are not sent any more (superseded or used)."""
    C = ReminderConfirmation.__table__  # type: ignore[attr-defined]
    stmt = (
        sa.update(C)
        .where(C.c.subscription_id == subscription_id, C.c.state == NotificationState.PENDING)
        .values(state=NotificationState.FAILED, last_error=why)
    )
    await session.execute(stmt, execution_options={"synchronize_session": False})


async def ask(session: AsyncSession, sub: ReminderSubscription, policy: AskPolicy) -> None:
    """Arm a new confirmation for `sub` (flushed) in the caller's transaction, or refuse (429)."""
    now = utcnow()
    await drop_unsent(session, sub.id, "superseded: the contact changed")
    sub.confirmed_at, sub.confirm_nonce = None, secrets.token_urlsafe(16)
    sub.confirm_expires_at = now + timedelta(hours=policy.confirm_hours)
    row = ReminderConfirmation(
        id=new_id("rmc"),
        subscription_id=sub.id,
        session_id=sub.session_id,
        brand_id=sub.brand_id,
        nonce=sub.confirm_nonce,
        client_address=policy.client_address,
        next_attempt_at=now,
        created_at=now,
    )
    session.add_all([sub, row])
    await session.flush()  # written first: on SQLite the write lock is what serialises the count
    if policy.client_address and policy.per_client_per_hour:
        await lock_names(session, f"reminders:client:{policy.client_address}")
        await _within_limit(session, row, policy)


async def _within_limit(session: AsyncSession, row: ReminderConfirmation, policy: AskPolicy) -> None:
    since = utcnow() - WINDOW
    stmt = sa.select(sa.func.count(), sa.func.min(col(ReminderConfirmation.created_at))).where(
        col(ReminderConfirmation.client_address) == policy.client_address,
        col(ReminderConfirmation.created_at) > since,
        col(ReminderConfirmation.id) != row.id,
    )
    count, oldest = (await session.execute(stmt)).one()
    if int(count) < policy.per_client_per_hour:
        return
    raise _exhausted(as_utc(oldest) + WINDOW, policy.per_client_per_hour)


def _exhausted(retry_at: datetime, limit: int) -> SubscriptionsExhausted:
    seconds = max(1, math.ceil((retry_at - utcnow()).total_seconds()))
    return SubscriptionsExhausted(
        f"at most {limit} reminder subscriptions an hour from one network address; retry later",
        extra={"retry_after": retry_at.isoformat(), "retry_after_s": seconds, "limit": limit},
        headers={"Retry-After": str(seconds)},
    )
