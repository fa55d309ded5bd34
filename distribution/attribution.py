"""Attribution: which partner (if any) earns on a paid order, and why.

Contract (called by the payments webhook in the same transaction that marks the order paid):
`await attribute_order(session, facts) -> dict` — the `attribution` object of `OrderPaid`:
`partner_id, parent_partner_id, link_id, click_id, rule ("last_click" | "binding" |
"self_referral" | "none" | ...), clicked_at, bound_since, self_referral (bool), policy {…}`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession


@dataclass(frozen=True)
class OrderFacts:
    order_id: str
    brand_id: str
    session_id: str
    visitor_id: str | None
    attribution_token: str | None  # the raw `zx_attr` cookie captured at checkout
    buyer_email: str | None
    buyer_phone: str | None
    amount_minor: int
    currency: str
    paid_at: datetime


async def attribute_order(session: AsyncSession, facts: OrderFacts) -> dict[str, Any]:
    return {"partner_id": None, "parent_partner_id": None, "link_id": None, "click_id": None, "rule": "none",
            "clicked_at": None, "bound_since": None, "self_referral": False, "policy": {}}
