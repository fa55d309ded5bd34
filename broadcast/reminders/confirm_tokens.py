"""The confirmation link's token: `{subscription id}.{expiry, unix seconds}.{MAC}` where the MAC is
HMAC-SHA256(SECRET_KEY, purpose, subscription id, nonce, expiry), base64url, 128 bits.

Nothing secret is stored that would let a database reader confirm: the nonce alone is not the
token, and the MAC needs the server's key. The subscription's nonce is cleared on use and replaced
when the contact changes, which is what makes a token single-use (a replay finds no nonce)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime

PURPOSE = b"zx-reminder-confirm-v1"
MAC_BYTES = 16


@dataclass(frozen=True)
class ParsedToken:
    subscription_id: str
    expires_at: datetime
    mac: str


def _mac(secret: str, subscription_id: str, nonce: str, expires: int) -> str:
    message = b"\x1f".join([PURPOSE, subscription_id.encode(), nonce.encode(), str(expires).encode()])
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()[:MAC_BYTES]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def make_token(secret: str, subscription_id: str, nonce: str, expires_at: datetime) -> str:
    expires = int(expires_at.timestamp())
    return f"{subscription_id}.{expires}.{_mac(secret, subscription_id, nonce, expires)}"


def parse(token: str) -> ParsedToken | None:
    parts = token.strip().split(".")
    if (
        len(parts) != 3
        or not parts[1].isdigit()
        or len(parts[1]) > 12
        or not (8 <= len(parts[0]) <= 40)
        or len(parts[2]) > 40
    ):
        return None
    return ParsedToken(parts[0], datetime.fromtimestamp(int(parts[1]), UTC), parts[2])


def signed_over(secret: str, parsed: ParsedToken, nonce: str) -> bool:
    """True if the token was made for this nonce (constant-time compare)."""
    expected = _mac(secret, parsed.subscription_id, nonce, int(parsed.expires_at.timestamp()))
    return hmac.compare_digest(expected, parsed.mac)
