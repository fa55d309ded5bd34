"""The signed attribution cookie (`zx_attr`): which link, partner and click, and when.

`v1.<link_id>.<partner_id>.<click_id>.<unix seconds>.<signature>` with an HMAC-SHA256 over
everything before the signature, keyed by SECRET_KEY. Anything that does not verify is treated
as no cookie at all: a forged or damaged token never attributes and never raises."""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime

VERSION = "v1"


@dataclass(frozen=True)
class AttributionClaim:
    link_id: str
    partner_id: str
    click_id: str
    clicked_at: datetime


def _signature(secret_key: str, payload: str) -> str:
    digest = hmac.new(secret_key.encode(), payload.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")


def sign_claim(secret_key: str, claim: AttributionClaim) -> str:
    payload = ".".join(
        [VERSION, claim.link_id, claim.partner_id, claim.click_id, str(int(claim.clicked_at.timestamp()))]
    )
    return f"{payload}.{_signature(secret_key, payload)}"


def verify_claim(secret_key: str, token: str | None) -> AttributionClaim | None:
    if not token or not secret_key or len(token) > 300:
        return None
    payload, _, signature = token.rpartition(".")
    parts = payload.split(".")
    if len(parts) != 5 or parts[0] != VERSION:
        return None
    if not hmac.compare_digest(signature, _signature(secret_key, payload)):
        return None
    try:
        clicked_at = datetime.fromtimestamp(int(parts[4]), UTC)
    except (ValueError, OverflowError, OSError):
        return None
    return AttributionClaim(link_id=parts[1], partner_id=parts[2], click_id=parts[3], clicked_at=clicked_at)
