"""The key a buyer's profile is found by: the verified billing email when the payment has one (the
same mailbox across devices), else the browser that paid. A typed contact proves nothing and is
never a key (see `distribution.attribution.buyer`)."""

from __future__ import annotations

from distribution.attribution.contacts import contact_key, normal_email


def buyer_key(secret_key: str, verified_email: str | None, visitor_id: str | None) -> str | None:
    if email := normal_email(verified_email):
        return contact_key(secret_key, "email", email)
    return contact_key(secret_key, "visitor", visitor_id) if visitor_id else None
