"""The confirmation request as the brand's notifier receives it: the same message shape as a
reminder, `kind: "confirmation"`, with the signed link to the session's page (`?confirm=…`), where
the viewer presses Confirm (a page, not a bare GET that confirms: mail scanners open links)."""

from __future__ import annotations

from urllib.parse import quote

from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import LiveSession, SessionState
from broadcast.reminders.confirm_tokens import make_token
from broadcast.reminders.models import ReminderConfirmation, ReminderSubscription
from broadcast.reminders.notifiers.base import ReminderMessage
from server.kernel.clock import as_utc, utcnow


async def prepare_confirmation(
    session: AsyncSession, confirmation_id: str, secret: str, base_url: str
) -> tuple[ReminderMessage | None, str | None]:
    """(the message, or None and why it is not sent: superseded, unsubscribed, too late)."""
    row = await session.get(ReminderConfirmation, confirmation_id)
    sub = await session.get(ReminderSubscription, row.subscription_id) if row else None
    if row is None or sub is None or sub.address is None:
        return None, "unsubscribed before the confirmation went out"
    if sub.confirm_nonce != row.nonce or sub.confirm_expires_at is None:
        return None, "superseded: the contact changed or was confirmed"
    live = await session.get(LiveSession, sub.session_id)
    if live is None or live.state != SessionState.SCHEDULED:
        return None, "the session is no longer scheduled"
    expires = as_utc(sub.confirm_expires_at)
    token = make_token(secret, sub.id, row.nonce, expires)
    message = ReminderMessage(
        notification_id=row.id,
        session_id=live.id,
        session_title=live.title,
        live_url=f"{base_url}/live/{live.id}",
        channel=sub.channel,
        address=sub.address,
        brand_id=live.brand_id,
        sent_at=utcnow().isoformat(),
        kind="confirmation",
        confirm_url=f"{base_url}/live/{quote(live.id)}?confirm={quote(token)}",
        confirm_expires_at=expires.isoformat(),
    )
    return message, None
