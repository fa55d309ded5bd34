"""The brand's own messaging system: a signed JSON POST through the server's one outbound-HTTP
module (`server.kernel.signed_post`: signature, egress rule, pinned address, outcome), which the
order webhooks use too. `notification_id` is the idempotency key: the same on every retry."""

from __future__ import annotations

import json

import httpx

from broadcast.reminders.notifiers.base import ReminderMessage, SendResult
from server.kernel.egress import EgressPolicy, Resolver, system_resolver
from server.kernel.signed_post import FAILED, REFUSED, SIGNATURE_HEADER, SignedPost, classify, sign, verify_signature

EVENT_HEADER = "Zhixiang-Event"  # reminder.reminder (live now) or reminder.confirmation (double opt-in)

__all__ = [
    "EVENT_HEADER",
    "FAILED",
    "REFUSED",
    "SIGNATURE_HEADER",
    "WebhookNotifier",
    "classify",
    "sign",
    "verify_signature",
]


class WebhookNotifier:
    name = "webhook"

    def __init__(
        self,
        url: str,
        secret: str,
        client: httpx.AsyncClient,
        timeout_s: float = 5,
        egress: EgressPolicy | None = None,
        resolver: Resolver = system_resolver,
    ) -> None:
        self.url, self.secret = url, secret
        self.post = SignedPost(client, egress or EgressPolicy(), resolver, timeout_s)

    async def send(self, message: ReminderMessage) -> SendResult:
        body = json.dumps(message.as_dict(), separators=(",", ":"), ensure_ascii=False)
        headers = {
            "User-Agent": "Zhixiang-Reminders/1",
            "Idempotency-Key": message.notification_id,
            EVENT_HEADER: f"reminder.{message.kind}",
        }
        result = await self.post.send(self.url, body, [self.secret], headers)
        return SendResult(result.outcome, result.error)
