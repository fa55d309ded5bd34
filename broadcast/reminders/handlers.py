"""When a session goes live, every confirmed subscriber gets one pending notification. Idempotent on its
own (a replayed event finds every subscription already covered), and the unique key on
`subscription_id` stops two workers racing on the same event from creating a second row."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import SessionState
from broadcast.reminders.models import ReminderNotification, ReminderSubscription
from server.kernel.clock import utcnow
from server.kernel.ids import new_id
from server.kernel.outbox import OutboxEvent


async def queue_notifications(session: AsyncSession, session_id: str) -> int:
    covered = select(ReminderNotification.subscription_id).where(ReminderNotification.session_id == session_id)
    stmt = select(ReminderSubscription).where(
        ReminderSubscription.session_id == session_id,
        col(ReminderSubscription.id).not_in(covered),
        col(ReminderSubscription.confirmed_at).is_not(None),  # double opt-in: never an unconfirmed contact
    )
    now = utcnow()
    subs = (await session.exec(stmt)).all()
    for sub in subs:
        session.add(
            ReminderNotification(
                id=new_id("ntf"),
                subscription_id=sub.id,
                session_id=session_id,
                brand_id=sub.brand_id,
                next_attempt_at=now,
                created_at=now,
            )
        )
    return len(subs)


async def on_session_state_changed(session: AsyncSession, event: OutboxEvent) -> None:
    """The dispatcher commits this with its (event, handler) record."""
    if event.payload.get("state") == SessionState.LIVE:
        await queue_notifications(session, event.payload["session_id"])


EVENT_HANDLERS: dict[str, list[Any]] = {"SessionStateChanged": [on_session_state_changed]}
