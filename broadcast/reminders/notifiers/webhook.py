"""The brand's own messaging system: a signed JSON POST (Stripe-style signature).

    Zhixiang-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, f"{t}.{raw body}")>

A receiver recomputes the HMAC over the raw body with its secret and compares in constant time,
and refuses a `t` older than a few minutes (replays): `verify_signature` below does both.
2xx = sent; 4xx other than 408/429 = permanent failure; anything else (5xx, 408, 429, timeouts,
connection errors) = try again later with the same `notification_id`.

The URL is the brand's, so it may point inside: the host is resolved here, every address is
checked against the egress rule, and the request goes to that checked address (the Host header
and TLS name stay the URL's). Redirects are not followed. What went wrong is recorded as one
generic "delivery failed": the brand must not learn from it whether a port was open or closed."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import httpx
import structlog

from broadcast.reminders.notifiers.base import Outcome, ReminderMessage, SendResult
from server.kernel.clock import utcnow
from server.kernel.egress import EgressPolicy, EgressRefused, Resolver, system_resolver

log = structlog.get_logger("reminders.webhook")  # the operator's detail; never stored with the row
SIGNATURE_HEADER = "Zhixiang-Signature"
EVENT_HEADER = "Zhixiang-Event"  # reminder.reminder (live now) or reminder.confirmation (double opt-in)
RETRYABLE_4XX = {408, 429}
FAILED = "delivery failed"
REFUSED = "delivery refused: the URL points inside the network"


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


@dataclass(frozen=True, slots=True)
class Pinned:
    """The URL rewritten to the checked address, and the name it stood for."""

    url: str
    host_header: str
    tls_name: str


async def pin(url: str, egress: EgressPolicy, resolver: Resolver) -> Pinned:
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = await egress.resolve(host, port, resolver)
    netloc = f"[{address}]" if ":" in address else address
    if parts.port:
        netloc += f":{parts.port}"
    return Pinned(urlunsplit(parts._replace(netloc=netloc)), parts.netloc, host)


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
        self.url, self.secret, self.client, self.timeout_s = url, secret, client, timeout_s
        self.egress, self.resolver = egress or EgressPolicy(), resolver

    async def send(self, message: ReminderMessage) -> SendResult:
        body = json.dumps(message.as_dict(), separators=(",", ":"), ensure_ascii=False)
        try:
            target = await pin(self.url, self.egress, self.resolver)
        except EgressRefused:
            return SendResult(Outcome.PERMANENT, REFUSED)
        except OSError:  # the name does not resolve (now): like any connection failure
            return SendResult(Outcome.RETRY, FAILED)
        headers = {
            "Host": target.host_header,
            "Content-Type": "application/json",
            "User-Agent": "Zhixiang-Reminders/1",
            "Idempotency-Key": message.notification_id,
            EVENT_HEADER: f"reminder.{message.kind}",
            SIGNATURE_HEADER: sign(self.secret, body, int(utcnow().timestamp())),
        }
        try:
            response = await self.client.post(
                target.url,
                content=body.encode(),
                headers=headers,
                timeout=self.timeout_s,
                follow_redirects=False,
                extensions={"sni_hostname": target.tls_name},
            )
        except httpx.HTTPError as exc:  # the outcome is unknown: retried with the same notification_id
            log.info("webhook transport error", kind=type(exc).__name__, notification_id=message.notification_id)
            return SendResult(Outcome.RETRY, FAILED)
        outcome = classify(response.status_code)
        return SendResult(outcome, None if outcome is Outcome.SENT else f"{FAILED}: HTTP {response.status_code}")
