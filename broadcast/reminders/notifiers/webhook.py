"""The brand's own messaging system: a signed JSON POST (Stripe-style signature).

    Zhixiang-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, f"{t}.{raw body}")>

A receiver recomputes the HMAC over the raw body with its secret and compares in constant time,
and refuses a `t` older than a few minutes (replays): `verify_signature` below does both.
2xx = sent; 4xx other than 408/429 = permanent failure; anything else (5xx, 408, 429, timeouts,
connection errors) = try again later with the same `notification_id`."""

from __future__ import annotations

import hashlib
import hmac
import json

import httpx

from broadcast.reminders.notifiers.base import Outcome, ReminderMessage, SendResult
from server.kernel.clock import utcnow

SIGNATURE_HEADER = "Zhixiang-Signature"
RETRYABLE_4XX = {408, 429}


def sign(secret: str, body: str, timestamp: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify_signature(
    secret: str, header: str, body: bytes | str, tolerance_s: float = 300, now: float | None = None
) -> bool:
    """True if `header` signs `body` with `secret` and its time is within `tolerance_s` of now."""
    parts = [p.split("=", 1) for p in header.split(",") if "=" in p]
    stamps = [v for k, v in parts if k.strip() == "t"]
    candidates = [v for k, v in parts if k.strip() == "v1"]
    if len(stamps) != 1 or not stamps[0].isdigit() or not candidates:
        return False
    timestamp = int(stamps[0])
    current = utcnow().timestamp() if now is None else now
    if abs(current - timestamp) > tolerance_s:
        return False
    text = body.decode() if isinstance(body, bytes) else body
    expected = sign(secret, text, timestamp).split("v1=", 1)[1]
    return any(hmac.compare_digest(expected, c.strip()) for c in candidates)


def classify(status: int) -> Outcome:
    if 200 <= status < 300:
        return Outcome.SENT
    if 400 <= status < 500 and status not in RETRYABLE_4XX:
        return Outcome.PERMANENT
    return Outcome.RETRY


class WebhookNotifier:
    name = "webhook"

    def __init__(self, url: str, secret: str, client: httpx.AsyncClient, timeout_s: float = 10) -> None:
        self.url, self.secret, self.client, self.timeout_s = url, secret, client, timeout_s

    async def send(self, message: ReminderMessage) -> SendResult:
        body = json.dumps(message.as_dict(), separators=(",", ":"), ensure_ascii=False)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Zhixiang-Reminders/1",
            "Idempotency-Key": message.notification_id,
            SIGNATURE_HEADER: sign(self.secret, body, int(utcnow().timestamp())),
        }
        try:
            response = await self.client.post(self.url, content=body.encode(), headers=headers, timeout=self.timeout_s)
        except httpx.HTTPError as exc:  # the outcome is unknown: retried with the same notification_id
            return SendResult(Outcome.RETRY, f"{type(exc).__name__}: {exc}"[:500])
        outcome = classify(response.status_code)
        error = None if outcome is Outcome.SENT else f"HTTP {response.status_code}: {response.text[:200]}"
        return SendResult(outcome, error)
