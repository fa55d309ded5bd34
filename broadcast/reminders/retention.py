"""Personal data: a subscriber's address is kept only until their notification is delivered
(cleared in `delivery.record`) or, failing that, until `days` after the session ended or was
cancelled (cleared here, by the worker's sweep). A confirmation request's client address is kept
for the hour it counts in."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import LiveSession
from broadcast.reminders.confirmations import WINDOW
from broadcast.reminders.models import ReminderConfirmation, ReminderSubscription
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


async def forget_confirmation_addresses(session: AsyncSession) -> int:
    """A confirmation's client address counts only within its hour (`confirmations.WINDOW`)."""
    table = ReminderConfirmation.__table__  # type: ignore[attr-defined]
    stmt = (
        sa.update(table)
        .where(table.c.client_address.is_not(None), table.c.created_at <= utcnow() - WINDOW)
        .values(client_address=None)
    )
    result = await session.execute(stmt, execution_options={"synchronize_session": False})
    await session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]
