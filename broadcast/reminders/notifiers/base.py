"""The notifier port: one message in, one outcome out. Adapters never raise for a failed send;
they say whether to stop (sent / permanent failure) or to try again later."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Protocol

from server.kernel.signed_post import Outcome

__all__ = ["Notifier", "Outcome", "ReminderMessage", "SendResult"]


@dataclass(frozen=True, slots=True)
class ReminderMessage:
    """What the brand's system receives; `notification_id` is stable across retries (de-dup on it).
    Two kinds (`kind`): the live reminder, and the confirmation request that comes first."""

    notification_id: str
    session_id: str
    session_title: str
    live_url: str
    channel: str
    address: str | None
    brand_id: str
    sent_at: str
    # "reminder": the session is live now. "confirmation": ask the contact to confirm (double
    # opt-in) by opening `confirm_url` before `confirm_expires_at`; send nothing else to it until then.
    kind: str = "reminder"
    confirm_url: str | None = None
    confirm_expires_at: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class SendResult:
    outcome: Outcome
    error: str | None = None


class Notifier(Protocol):
    name: str

    async def send(self, message: ReminderMessage) -> SendResult: ...
