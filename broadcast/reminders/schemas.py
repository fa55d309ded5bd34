"""Request and response shapes of reminders, notifier settings and counts."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from broadcast.reminders.models import ReminderChannel
from broadcast.schemas import Public, Request


class ReminderCreate(Request):
    channel: ReminderChannel
    address: str = Field(min_length=1, max_length=320)
    ref: str | None = Field(default=None, max_length=64, description="the partner link code, if any")


class ReminderPublic(Public):
    subscribed: bool
    session_id: str
    channel: str | None = None
    address_masked: str | None = None
    ref: str | None = None
    scheduled_start_at: datetime | None = None
    confirmed: bool = Field(
        default=False, description="only a confirmed contact is reminded; until then: check your messages to confirm"
    )


class ReminderConfirm(Request):
    token: str = Field(min_length=10, max_length=120, description="from the confirmation link (`?confirm=`)")


class NotifierSet(Request):
    url: str = Field(min_length=8, max_length=500)
    rotate_secret: bool = Field(default=False, description="issue a new signing secret (shown once)")


class NotifierPublic(Public):
    brand_id: str
    kind: str = Field(description="'webhook' (the brand's URL) or 'log' (the embedded default)")
    url: str | None = None
    secret_hint: str | None = None
    secret: str | None = Field(default=None, description="only in the response that created it")


class PartnerCount(Public):
    partner_id: str | None = Field(description="null: subscribed without a partner's link (direct)")
    name: str
    subscribed: int


class ReminderStats(Public):
    session_id: str
    subscribed: int
    confirmed: int = Field(description="contacts confirmed (double opt-in): only these are reminded")
    pending_confirmation: int = Field(description="subscribed, confirmation not (yet) given")
    by_partner: list[PartnerCount]
    notifications: dict[str, int]
    confirmations: dict[str, int] = Field(description="confirmation messages by delivery state")


class PartnerSessionCount(Public):
    session_id: str
    title: str
    state: str
    scheduled_start_at: datetime
    subscribed: int
