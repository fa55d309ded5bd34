"""Using a confirmation link: checked (signature, then single use, then expiry, then the session
still scheduled) and applied by one conditional UPDATE on the nonce, so of two clicks racing
exactly one confirms and the other is told the link was used."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import LiveSession, SessionState
from broadcast.reminders import confirm_tokens
from broadcast.reminders.confirmations import drop_unsent
from broadcast.reminders.models import ReminderSubscription
from broadcast.reminders.problems import (
    ConfirmationExpired,
    ConfirmationInvalid,
    ConfirmationUsed,
    SessionNotScheduled,
)
from broadcast.reminders.schemas import ReminderPublic
from broadcast.reminders.subscriptions import public
from server.kernel.clock import utcnow

S = ReminderSubscription.__table__  # type: ignore[attr-defined]
INVALID = "this confirmation link is not one of ours (mistyped or cut short?)"


async def confirm(session: AsyncSession, token: str, secret: str) -> ReminderPublic:
    parsed = confirm_tokens.parse(token)
    sub = await session.get(ReminderSubscription, parsed.subscription_id) if parsed else None
    if parsed is None or sub is None:
        raise ConfirmationInvalid(INVALID)
    if sub.confirm_nonce is None or not confirm_tokens.signed_over(secret, parsed, sub.confirm_nonce):
        raise ConfirmationUsed("this link was already used, or a newer one was sent: check your latest message")
    if parsed.expires_at <= utcnow():
        raise ConfirmationExpired("this link has expired: subscribe again for a new one")
    live = await session.get(LiveSession, sub.session_id)
    if live is None or live.state != SessionState.SCHEDULED:
        raise SessionNotScheduled("this session is no longer scheduled: there is nothing left to confirm")
    now = utcnow()
    stmt = (
        sa.update(S)
        .where(S.c.id == sub.id, S.c.confirm_nonce == sub.confirm_nonce)
        .values(confirmed_at=now, confirm_nonce=None, updated_at=now)
    )
    result = await session.execute(stmt, execution_options={"synchronize_session": False})
    if result.rowcount != 1:  # type: ignore[attr-defined]
        await session.rollback()
        raise ConfirmationUsed("this link was just used")
    await drop_unsent(session, sub.id, "confirmed before it was sent")
    await session.commit()
    await session.refresh(sub)
    return public(live, sub)
