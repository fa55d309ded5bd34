"""The link a buyer manages consent and erasure with: `b1.<profile id>.<MAC>`, the MAC an
HMAC-SHA256 under SECRET_KEY over a purpose and the profile id (128 bits, base64url).

It does not expire: PIPL wants withdrawal as easy as consent, and a message read months later
must still work. It names a profile, not a person; once the profile is erased it leads nowhere."""

from __future__ import annotations

import base64
import hashlib
import hmac

PURPOSE = b"zx-buyer-consent-v1"
VERSION = "b1"
MAC_BYTES = 16


def _mac(secret_key: str, profile_id: str) -> str:
    digest = hmac.new(secret_key.encode(), PURPOSE + b"\x1f" + profile_id.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:MAC_BYTES]).rstrip(b"=").decode()


def consent_token(secret_key: str, profile_id: str) -> str:
    return f"{VERSION}.{profile_id}.{_mac(secret_key, profile_id)}"


def profile_id_of(secret_key: str, token: str | None) -> str | None:
    """The profile a genuine token names; None for anything forged, damaged or too long."""
    parts = (token or "").split(".")
    if len(parts) != 3 or parts[0] != VERSION or not (8 <= len(parts[1]) <= 40) or len(parts[2]) > 40:
        return None
    return parts[1] if hmac.compare_digest(parts[2], _mac(secret_key, parts[1])) else None
