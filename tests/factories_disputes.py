"""Disputes for the tests: Stripe's reference Dispute and Event objects (`fixtures3.json`) with our
charge, PaymentIntent, amount and status put in, posted to the webhook signed with its secret; and
a paid order with a partner's commission accrued whose PaymentIntent those disputes name."""

from __future__ import annotations

import copy
import functools
import uuid
from datetime import datetime, timedelta
from typing import Any

from litestar import Litestar

from broadcast.checkout.models import Order
from server.devstripe.connect_server import load_fixtures
from server.kernel.clock import utcnow
from tests.factories import auth, make_brand, make_session, make_token
from tests.factories_checkout import post_webhook
from tests.factories_commission import emit_events, make_partner, order_paid_payload
from tests.stripe_server import WEBHOOK_SECRET


@functools.cache
def _fixtures() -> dict[str, Any]:
    """Read when a test first builds a dispute (a missing file fails that test, not the collection)."""
    return load_fixtures()


DUE_BY = 1893456000  # 2030-01-01T00:00:00Z


def dispute_object(
    intent_id: str | None,
    amount_minor: int,
    status: str = "needs_response",
    *,
    currency: str = "CNY",
    dispute_id: str | None = None,
    fee_minor: int = 0,
    due_by: int = DUE_BY,
) -> dict[str, Any]:
    dispute = copy.deepcopy(_fixtures()["dispute"])
    dispute_id = dispute_id or f"dp_{uuid.uuid4().hex[:24]}"
    dispute.update(
        id=dispute_id,
        charge=f"ch_{uuid.uuid4().hex[:24]}",
        payment_intent=intent_id,
        amount=amount_minor,
        currency=currency.lower(),
        status=status,
        reason="fraudulent",
    )
    dispute["evidence_details"]["due_by"] = due_by
    if fee_minor:
        dispute["balance_transactions"] = [_withdrawal(dispute_id, amount_minor, currency, fee_minor)]
    return dispute


def _withdrawal(dispute_id: str, amount_minor: int, currency: str, fee_minor: int) -> dict[str, Any]:
    """The balance transaction Stripe attaches when a dispute takes the money and charges its fee."""
    txn = copy.deepcopy(_fixtures()["balance_transaction"])
    txn.update(
        id=f"txn_{uuid.uuid4().hex[:24]}",
        amount=-amount_minor,
        currency=currency.lower(),
        fee=fee_minor,
        fee_details=[
            {"amount": fee_minor, "currency": currency.lower(), "description": "Dispute fee", "type": "stripe_fee"}
        ],
        net=-amount_minor - fee_minor,
        reporting_category="dispute",
        source=dispute_id,
        type="adjustment",
    )
    return txn


def dispute_event(event_type: str, dispute: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
    event = copy.deepcopy(_fixtures()["event"])
    event.update(id=event_id or f"evt_{uuid.uuid4().hex[:24]}", type=event_type, data={"object": dispute})
    return event


async def send(client: Any, event_type: str, dispute: dict[str, Any], event_id: str | None = None) -> Any:
    response = await post_webhook(client, dispute_event(event_type, dispute, event_id), WEBHOOK_SECRET)
    assert response.status_code == 200, response.text
    return response.json()


async def disputable_order(
    app: Litestar,
    client: Any,
    *,
    amount_minor: int = 10000,
    paid_days_ago: int = 10,
    brand_id: str | None = None,
    partner_id: str | None = None,
    stripe_account_id: str | None = None,
) -> dict[str, Any]:
    """A paid order (the checkout's row, with its PaymentIntent id) whose `OrderPaid` accrued a
    partner's 10 % commission; its keys: order, brand_id, brand_token, partner_id, intent_id."""
    admin = await make_token(app, "admin")
    if brand_id is None:
        brand_id = (await make_brand(client, admin))["id"]
    brand_token = await make_token(app, "brand", brand_id=brand_id)
    live = await make_session(client, brand_token, brand_id)
    partner_id = partner_id or await make_partner(
        app, brand_id=brand_id, stripe_account_id=stripe_account_id, minimum_payout_minor=100
    )
    paid_at = utcnow() - timedelta(days=paid_days_ago)
    order = order_paid_payload(brand_id, [("sku_a", amount_minor)], partner_id=partner_id, paid_at=paid_at)
    intent_id = f"pi_{uuid.uuid4().hex[:24]}"
    await _checkout_row(app, order, live["id"], intent_id, paid_at)
    await emit_events(app, ("OrderPaid", order))
    return {
        "order": order,
        "brand_id": brand_id,
        "brand_token": brand_token,
        "partner_id": partner_id,
        "intent_id": intent_id,
        "headers": auth(brand_token),
    }


async def _checkout_row(
    app: Litestar, order: dict[str, Any], session_id: str, intent_id: str, paid_at: datetime
) -> None:
    async with app.state.sessionmaker() as session:
        session.add(
            Order(
                id=order["order_id"],
                brand_id=order["brand_id"],
                session_id=session_id,
                visitor_id="v1",
                idempotency_key=uuid.uuid4().hex,
                state="paid",
                currency=order["currency"],
                amount_minor=order["amount_minor"],
                reserved_until=paid_at,
                payment_intent_id=intent_id,
                paid_at=paid_at,
            )
        )
        await session.commit()
