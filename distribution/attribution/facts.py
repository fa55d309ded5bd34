"""What checkout knows about a paid order, handed to attribution."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class OrderFacts:
    order_id: str
    brand_id: str
    session_id: str
    visitor_id: str | None
    attribution_token: str | None  # the raw `zx_attr` cookie captured at checkout
    buyer_email: str | None  # typed at checkout: unverified, never binds
    buyer_phone: str | None  # typed at checkout: unverified, never binds
    amount_minor: int
    currency: str
    paid_at: datetime
    # The billing email the payment provider returned with the payment (Stripe: the charge's
    # `billing_details.email`, else its `receipt_email`); the only contact that may bind.
    verified_email: str | None = None
