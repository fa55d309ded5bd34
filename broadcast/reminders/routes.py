"""What pre-live reminders mount: controllers, the 'went live' handler and the delivery worker."""

from __future__ import annotations

from typing import Any

from broadcast.reminders.controllers import BrandNotifierController, ReminderConfirmController, ReminderController
from broadcast.reminders.handlers import EVENT_HANDLERS as REMINDER_EVENT_HANDLERS
from broadcast.reminders.worker import reminder_worker

ROUTE_HANDLERS: list[Any] = [ReminderController, ReminderConfirmController, BrandNotifierController]
EVENT_HANDLERS: dict[str, list[Any]] = REMINDER_EVENT_HANDLERS
LIFESPANS: list[Any] = [reminder_worker]
