"""The one way the server POSTs to a URL a customer gave it (reminder notifiers, order webhooks):
a signed JSON body (Stripe-style signature), sent only to an address the egress rule checked.

    Zhixiang-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, f"{t}.{raw body}")>[,v1=…]

During a secret rotation's overlap window there is one `v1` per live secret, so a receiver that
still has the old secret (or already the new one) verifies either. A receiver recomputes the HMAC
over the raw body and compares in constant time, and refuses a `t` older than a few minutes
(replays): `verify_signature` does both. 2xx = sent; 4xx other than 408/429 = permanent failure;
anything else (5xx, 408, 429, timeouts, connection errors) = try again later.

The URL is the customer's, so it may point inside: the host is resolved here, every address is
checked against the egress rule, and the request goes to that checked address (the Host header
and TLS name stay the URL's). Redirects are not followed. A failure without an HTTP answer is one
generic "delivery failed": the customer must not learn from it whether a port was open or closed."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit, urlunsplit

import httpx
import structlog

from server.kernel.clock import utcnow
from server.kernel.egress import EgressPolicy, EgressRefused, Resolver, system_resolver

log = structlog.get_logger("signed_post")  # the operator's detail; never stored with a customer's row
SIGNATURE_HEADER = "Zhixiang-Signature"
RETRYABLE_4XX = {408, 429}
FAILED = "delivery failed"
REFUSED = "delivery refused: the URL points inside the network"
EXCERPT_CHARS = 300


class Outcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"
    PERMANENT = "permanent"


@dataclass(frozen=True, slots=True)
class PostResult:
    """What came of one POST: the outcome, and what the receiver answered if it answered at all."""

    outcome: Outcome
    error: str | None = None
    status: int | None = None
    latency_ms: int | None = None
    excerpt: str | None = None  # the start of the receiver's own answer (its text, not ours)


def sign(secret: str, body: str, timestamp: int) -> str:
    return f"t={timestamp},v1={_digest(secret, body, timestamp)}"


def sign_all(secrets: Sequence[str], body: str, timestamp: int) -> str:
    """One `v1` per secret (a rotation's overlap window: the new one first)."""
    return ",".join([f"t={timestamp}", *(f"v1={_digest(s, body, timestamp)}" for s in secrets)])


def _digest(secret: str, body: str, timestamp: int) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()


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
    expected = _digest(secret, body.decode() if isinstance(body, bytes) else body, timestamp)
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


@dataclass(frozen=True, slots=True)
class SignedPost:
    """Where and how: the client (trust_env off: a proxy from the environment would connect by
    name, past the checked address), the egress rule and the resolver it checks names with."""

    client: httpx.AsyncClient
    egress: EgressPolicy
    resolver: Resolver = system_resolver
    timeout_s: float = 5

    async def send(self, url: str, body: str, secrets: Sequence[str], headers: Mapping[str, str]) -> PostResult:
        try:
            target = await pin(url, self.egress, self.resolver)
        except EgressRefused:
            return PostResult(Outcome.PERMANENT, REFUSED)
        except OSError:  # the name does not resolve (now): like any connection failure
            return PostResult(Outcome.RETRY, FAILED)
        signed = {
            **headers,
            "Host": target.host_header,
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign_all(secrets, body, int(utcnow().timestamp())),
        }
        return await self._post(target, body, signed)

    async def _post(self, target: Pinned, body: str, headers: dict[str, str]) -> PostResult:
        started = time.monotonic()
        try:
            response = await self.client.post(
                target.url,
                content=body.encode(),
                headers=headers,
                timeout=self.timeout_s,
                follow_redirects=False,
                extensions={"sni_hostname": target.tls_name},
            )
        except httpx.HTTPError as exc:  # the outcome is unknown: retried with the same idempotency key
            log.info("signed post transport error", kind=type(exc).__name__, key=headers.get("Idempotency-Key"))
            return PostResult(Outcome.RETRY, FAILED)
        latency_ms = round((time.monotonic() - started) * 1000)
        outcome = classify(response.status_code)
        error = None if outcome is Outcome.SENT else f"{FAILED}: HTTP {response.status_code}"
        excerpt = response.text[:EXCERPT_CHARS]
        return PostResult(outcome, error, response.status_code, latency_ms, excerpt)
