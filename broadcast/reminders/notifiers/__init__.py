"""Notifier port and its adapters: the brand's webhook, or a log line (the embedded default)."""

from broadcast.reminders.notifiers.base import Notifier, Outcome, ReminderMessage, SendResult
from broadcast.reminders.notifiers.log import LogNotifier
from broadcast.reminders.notifiers.webhook import SIGNATURE_HEADER, WebhookNotifier, sign, verify_signature

__all__ = [
    "SIGNATURE_HEADER",
    "LogNotifier",
    "Notifier",
    "Outcome",
    "ReminderMessage",
    "SendResult",
    "WebhookNotifier",
    "sign",
    "verify_signature",
]
