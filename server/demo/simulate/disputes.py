"""After the payout: two buyers dispute their card payments with their banks; Stripe decides one for
the buyer (lost: the commission is reversed, the partner clawed back, the brand pays the fee) and
one for the brand (won: the frozen commission comes back).

Localstripe has no disputes, so the sale makes Stripe-shaped `charge.dispute.created` and
`charge.dispute.closed` events itself, signs them with the server's webhook secret as Stripe does,
and posts them to the server's webhook: the same path localstripe's payment events take."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from typing import Any

import httpx

from server.demo.simulate.api import call
from server.demo.simulate.config import SaleConfig
from server.demo.simulate.outcome import OrderMade, SaleOutcome

WEBHOOK = "/api/v1/payments/stripe/webhook"
DISPUTE_FEE_MINOR = 1500  # Stripe's fee for a lost dispute, in the order's currency for the demo
EVIDENCE_DAYS = 7


async def dispute_two(
    config: SaleConfig, brand: httpx.AsyncClient, public: httpx.AsyncClient, outcome: SaleOutcome
) -> list[tuple[str, str]]:
    """(order id, outcome) of the two disputes, lost then won; none without a webhook secret."""
    chosen = [o for o in outcome.paid if o.code and o.refunded_minor == 0 and o is not outcome.clawed_back][:2]
    if not config.webhook_secret or len(chosen) < 2:
        config.say("no disputes played (no webhook secret, or fewer than two untouched attributed orders)")
        return []
    played = []
    for order, status in zip(chosen, ("lost", "won"), strict=True):
        detail = await call(brand, "GET", f"/api/v1/orders/{order.order_id}")
        dispute = dispute_object(order, str(detail["payment_intent_id"]), lost=status == "lost")
        await post_event(public, config.webhook_secret, "charge.dispute.created", dispute)
        answer = await post_event(public, config.webhook_secret, "charge.dispute.closed", {**dispute, "status": status})
        if status == "lost":
            order.disputed_lost_minor = order.amount_minor
        played.append((order.order_id, str(answer.get("outcome"))))
    outcome.disputes = played
    return played


def dispute_object(order: OrderMade, intent_id: str, *, lost: bool) -> dict[str, Any]:
    """A Stripe Dispute (the fields the server reads, as Stripe's API reference shapes them)."""
    dispute_id = f"dp_demo_{uuid.uuid4().hex[:20]}"
    fee = DISPUTE_FEE_MINOR if lost else 0
    return {
        "id": dispute_id,
        "object": "dispute",
        "amount": order.amount_minor,
        "currency": order.currency.lower(),
        "charge": f"ch_demo_{uuid.uuid4().hex[:20]}",
        "payment_intent": intent_id,
        "reason": "fraudulent" if lost else "product_not_received",
        "status": "needs_response",
        "created": int(time.time()),
        "evidence_details": {"due_by": int(time.time()) + EVIDENCE_DAYS * 86400, "has_evidence": False},
        "balance_transactions": [
            {
                "object": "balance_transaction",
                "amount": -order.amount_minor,
                "currency": order.currency.lower(),
                "fee": fee,
                "type": "adjustment",
                "reporting_category": "dispute",
                "source": dispute_id,
            }
        ],
        "metadata": {},
        "livemode": False,
    }


async def post_event(client: httpx.AsyncClient, secret: str, event_type: str, obj: dict[str, Any]) -> dict[str, Any]:
    event = {
        "id": f"evt_demo_{uuid.uuid4().hex[:20]}",
        "object": "event",
        "type": event_type,
        "created": int(time.time()),
        "data": {"object": obj},
        "livemode": False,
        "api_version": None,
    }
    payload = json.dumps(event)
    stamp = int(time.time())
    signature = hmac.new(secret.encode(), f"{stamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    headers = {"Stripe-Signature": f"t={stamp},v1={signature}", "Content-Type": "application/json"}
    response = await client.post(WEBHOOK, content=payload.encode(), headers=headers)
    if response.status_code != 200:
        raise RuntimeError(f"POST {WEBHOOK} ({event_type}) → {response.status_code}: {response.text[:200]}")
    return dict(response.json())
