"""A contact is a channel plus an address that makes sense for it. Checked here (pure, no I/O) so
bad input is refused before anything is written."""

from __future__ import annotations

import re

from broadcast.reminders.models import ReminderChannel
from server.kernel.problems import InvalidInput

EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
# E.164: a plus, a country code that does not start with 0, at most 15 digits in all.
PHONE = re.compile(r"^\+[1-9][0-9]{6,14}$")
# A WeChat ID (6-20) or an OpenID (28): letters, digits, '_' and '-'.
WECHAT = re.compile(r"^[A-Za-z0-9_-]{6,64}$")
# An app's push token or user id: printable ASCII, no spaces.
APP = re.compile(r"^[\x21-\x7e]{1,200}$")
MAX_LENGTH = {ReminderChannel.EMAIL: 254, ReminderChannel.SMS: 16, ReminderChannel.WECHAT: 64, ReminderChannel.APP: 200}
PATTERNS = {
    ReminderChannel.EMAIL: EMAIL,
    ReminderChannel.SMS: PHONE,
    ReminderChannel.WECHAT: WECHAT,
    ReminderChannel.APP: APP,
}
HINTS = {
    ReminderChannel.EMAIL: "an email address like name@example.com",
    ReminderChannel.SMS: "a phone number in international form like +8613800138000",
    ReminderChannel.WECHAT: "a WeChat ID or OpenID (6-64 letters, digits, _ or -)",
    ReminderChannel.APP: "the app's user id or push token (no spaces, at most 200 characters)",
}


def normalise(channel: ReminderChannel, address: str) -> str:
    """The address as stored, or InvalidInput naming what this channel expects."""
    value = address.strip()
    if channel is ReminderChannel.SMS:
        value = re.sub(r"[\s().-]", "", value)  # people type spaces and dashes; E.164 has none
    if channel is ReminderChannel.EMAIL:
        value = value.lower()
    if len(value) > MAX_LENGTH[channel] or not PATTERNS[channel].match(value):
        raise InvalidInput(
            f"address must be {HINTS[channel]}",
            extra={"errors": [{"field": "address", "message": f"not {HINTS[channel]}"}]},
        )
    return value


def mask(channel: str, address: str | None) -> str | None:
    """Enough to recognise one's own contact, not enough to read someone else's."""
    if not address:
        return None
    if channel == ReminderChannel.EMAIL and "@" in address:
        name, domain = address.split("@", 1)
        return f"{name[:1]}***@{domain}"
    return f"{address[:3]}***{address[-2:]}" if len(address) > 6 else "***"
