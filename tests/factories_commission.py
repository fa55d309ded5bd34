"""Factories for the commission tests: partners, partnerships, paid and refunded orders as
outbox events (the checkout contract in docs/events.md), delivered with the dispatcher."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

from litestar import Litestar

from commission.models import PartnerPayoutAccount
from distribution.models import Partner, Partnership
from server.kernel.clock import utcnow
from server.kernel.ids import new_id
from tests.event_contracts import emit_payload

_seq = itertools.count(1)


async def make_partner(
    app: Litestar,
    *,
    parent_id: str | None = None,
    brand_id: str | None = None,
    commission_bps: int | None = None,
    stripe_account_id: str | None = None,
    minimum_payout_minor: int | None = None,
    name: str | None = None,
) -> str:
    async with app.state.sessionmaker() as session:
        partner = Partner(
            id=new_id("ptn"), name=name or f"Partner {next(_seq)}", parent_id=parent_id, payout_country="US"
        )
        session.add(partner)
        await session.flush()
        if brand_id:
            session.add(
                Partnership(
                    id=new_id("pts"),
                    brand_id=brand_id,
                    partner_id=partner.id,
                    state="approved",
                    commission_bps=commission_bps,
                )
            )
        if stripe_account_id or minimum_payout_minor is not None:
            session.add(
                PartnerPayoutAccount(
                    partner_id=partner.id,
                    stripe_account_id=stripe_account_id,
                    minimum_payout_minor=minimum_payout_minor or 0,
                )
            )
        await session.commit()
        return partner.id


def order_paid_payload(
    brand_id: str,
    lines: list[tuple[str, int]],
    *,
    partner_id: str | None = None,
    parent_id: str | None = None,
    currency: str = "CNY",
    session_id: str | None = None,
    order_id: str | None = None,
    paid_at: datetime | None = None,
    self_referral: bool = False,
    earns: bool | None = None,
) -> dict[str, Any]:
    """An `OrderPaid` payload as the webhook writes it (`session_id` defaults to a session no test
    looks at; `earns` to whether there is a partner: the brand's self-referral rule still applies)."""
    amount = sum(a for _, a in lines)
    return {
        "order_id": order_id or f"ord_{new_id('evt')[4:]}",
        "brand_id": brand_id,
        "session_id": session_id or "ses_factory",
        "visitor_id": "v1",
        "currency": currency,
        "amount_minor": amount,
        "lines": [{"sku_id": s, "quantity": 1, "unit_price_minor": a, "amount_minor": a} for s, a in lines],
        "paid_at": (paid_at or utcnow()).isoformat(),
        "attribution": {
            "partner_id": partner_id,
            "parent_partner_id": parent_id,
            "link_id": None,
            "click_id": None,
            "rule": "last_click" if partner_id else "none",
            "clicked_at": None,
            "bound_since": None,
            "self_referral": self_referral,
            "earns": partner_id is not None if earns is None else earns,
            "policy": {},
        },
    }


def order_refunded_payload(
    order: dict[str, Any],
    amount_minor: int,
    refunded_total_minor: int,
    *,
    refund_id: str | None = None,
    currency: str | None = None,
    refunded_at: datetime | None = None,
) -> dict[str, Any]:
    return {
        "order_id": order["order_id"],
        "refund_id": refund_id or f"re_{new_id('evt')[4:]}",
        "brand_id": order["brand_id"],
        "session_id": order.get("session_id"),
        "currency": currency or order["currency"],
        "amount_minor": amount_minor,
        "refunded_total_minor": refunded_total_minor,
        "order_amount_minor": order["amount_minor"],
        "refunded_at": (refunded_at or utcnow()).isoformat(),
    }


async def emit_events(app: Litestar, *events: tuple[str, dict[str, Any]]) -> None:
    """Write events to the outbox (as checkout would) and deliver them now."""
    async with app.state.sessionmaker() as session:
        for topic, payload in events:
            emit_payload(session, topic, payload["order_id"], payload)
        await session.commit()
    await app.state.dispatcher.drain()
