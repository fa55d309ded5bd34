"""The notifier port: one message in, one outcome out. Adapters never raise for a failed send;
they say whether to stop (sent / permanent failure) or to try again later."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class ReminderMessage:
    """What the brand's system receives; `notification_id` is stable across retries (de-dup on it)."""

    notification_id: str
    session_id: str
    session_title: str
    live_url: str
    channel: str
    address: str | None
    brand_id: str
    sent_at: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class Outcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"
    PERMANENT = "permanent"


@dataclass(frozen=True, slots=True)
class SendResult:
    outcome: Outcome
    error: str | None = None


class Notifier(Protocol):
    name: str

    async def send(self, message: ReminderMessage) -> SendResult: ...
