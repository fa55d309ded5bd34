"""The embedded default: a structured log line per reminder (the operator's log shipper, or a
person reading it, does the rest). Always counts as sent."""

from __future__ import annotations

import structlog

from broadcast.reminders.contacts import mask
from broadcast.reminders.notifiers.base import Outcome, ReminderMessage, SendResult

log = structlog.get_logger("reminders.notify")


class LogNotifier:
    name = "log"

    async def send(self, message: ReminderMessage) -> SendResult:
        # The address is masked: logs are kept longer than the personal data promise allows.
        log.info(
            "reminder due" if message.kind == "reminder" else "reminder confirmation due",
            kind=message.kind,
            confirm_url=message.confirm_url,
            notification_id=message.notification_id,
            session_id=message.session_id,
            session_title=message.session_title,
            live_url=message.live_url,
            channel=message.channel,
            address=mask(message.channel, message.address),
            brand_id=message.brand_id,
        )
        return SendResult(Outcome.SENT)
