"""The email a payment's payer gave the payment provider, read from the `payment_intent.succeeded`
payload itself (no call to Stripe inside the webhook's transaction).

Stripe sends the charge expanded in `latest_charge` on some API versions and in `charges.data` on
older ones; on versions where `latest_charge` is only an id there is no billing email in the
event, and attribution then binds on the paying browser alone."""

from __future__ import annotations

from typing import Any


def _charges(intent: dict[str, Any]) -> list[dict[str, Any]]:
    latest = intent.get("latest_charge")
    listed = (intent.get("charges") or {}).get("data") if isinstance(intent.get("charges"), dict) else None
    return ([latest] if isinstance(latest, dict) else []) + [c for c in reversed(listed or []) if isinstance(c, dict)]


def billing_email(intent: dict[str, Any]) -> str | None:
    """The paid charge's `billing_details.email`, else its `receipt_email`; None if neither."""
    for charge in _charges(intent):
        details = charge.get("billing_details") if isinstance(charge.get("billing_details"), dict) else {}
        for value in (details.get("email"), charge.get("receipt_email")):
            if isinstance(value, str) and value.strip():
                return value.strip()[:320]
    return None
