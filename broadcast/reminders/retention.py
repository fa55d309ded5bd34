"""Personal data: a subscriber's address is kept only until their notification is delivered
(cleared in `delivery.record`) or, failing that, until `days` after the session ended or was
cancelled (cleared here, by the worker's sweep)."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import LiveSession
from broadcast.reminders.models import ReminderSubscription
from server.kernel.clock import utcnow

BATCH = 500


async def forget_addresses_after(session: AsyncSession, days: int) -> int:
    cutoff = utcnow() - timedelta(days=days)
    over = select(LiveSession.id).where(
        or_(col(LiveSession.ended_at) <= cutoff, col(LiveSession.cancelled_at) <= cutoff)
    )
    stmt = (
        select(ReminderSubscription)
        .where(col(ReminderSubscription.address).is_not(None), col(ReminderSubscription.session_id).in_(over))
        .limit(BATCH)
    )
    subs = (await session.exec(stmt)).all()
    now = utcnow()
    for sub in subs:
        sub.address, sub.address_cleared_at = None, now
        session.add(sub)
    await session.commit()
    return len(subs)
