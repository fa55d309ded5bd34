"""A buyer's or partner's contact in one canonical form, so a disguise is the same person, and
the keyed hash that stands for it in the database.

Email: Unicode NFKC and case-folded; the `+tag` and trailing dots of the local part dropped; the
domain's trailing dots dropped; Gmail ignores dots in the local part and `googlemail.com` is the
same mailbox, so both collapse to `gmail.com` without dots. Phone: E.164 (the `phonenumbers`
library), a number without a country code read in the configured region (CN by default).

Keys are HMAC-SHA256 under SECRET_KEY: a bare SHA-256 of an email or phone number is reversible
by anyone with a list of candidate addresses, a keyed hash is not without the key."""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata

import phonenumbers

# Characters that cannot be part of an unquoted address: they delimit it in "Name <a@b.c>".
_ADDRESS = re.compile(r"[^@\s<>()\[\],;:\"']+@[^@\s<>()\[\],;:\"']+")
_CANONICAL = re.compile(r"[^@\s<>()\[\],;:\"']+@[^@\s<>()\[\],;:\"'.]+(\.[^@\s<>()\[\],;:\"'.]+)+")
# Mailboxes that ignore dots in the local part, and the domain each is known by.
_DOTLESS_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}
_PHONE_CHARS = re.compile(r"[\d\s+().\-/]{7,40}")
DEFAULT_PHONE_REGION = "CN"
KEY_VERSION = "h1"  # keys made before it were bare SHA-256 (migration 0930_attrib_hmac_binding_keys)


def _folded(value: str) -> str:
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", value).casefold())


def normal_email(value: str | None) -> str | None:
    """The mailbox an address delivers to, or None if `value` holds no address."""
    match = _ADDRESS.search(_folded(value or ""))
    if match is None:
        return None
    local, _, domain = match.group(0).rpartition("@")
    domain = domain.strip(".")
    local = local.split("+", 1)[0]
    if domain in _DOTLESS_DOMAINS:
        local, domain = local.replace(".", ""), _DOTLESS_DOMAINS[domain]
    address = f"{local.rstrip('.')}@{domain}"
    return address if _CANONICAL.fullmatch(address) else None


def normal_phone(value: str | None, region: str = DEFAULT_PHONE_REGION) -> str | None:
    """E.164 (`+8613800138000`), or None if `value` is not a possible phone number."""
    text = unicodedata.normalize("NFKC", value or "")
    match = _PHONE_CHARS.search(text) if "@" not in text else None  # an address's digits are no phone
    if match is None:
        return None
    try:
        number = phonenumbers.parse(match.group(0).strip(), region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def contact_key(secret_key: str, kind: str, value: str) -> str:
    """`h1-<kind>:<hex>`; only the holder of SECRET_KEY can tell which contact it stands for."""
    digest = hmac.new(secret_key.encode(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
    return f"{KEY_VERSION}-{kind}:{digest}"
