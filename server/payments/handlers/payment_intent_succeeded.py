"""`payment_intent.succeeded`: the order is paid, attributed and announced (`OrderPaid`) in one
transaction; a payment that arrives after the hold lapsed and cannot be honoured is refunded by
a job written in the same transaction (`late_refund`), retried until Stripe has done it."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout import payments
from broadcast.checkout.closing import lines_of
from broadcast.checkout.models import Order
from distribution.attribution import OrderFacts, attribute_order
from distribution.buyers.keys import buyer_key
from server.kernel.clock import utcnow
from server.kernel.contracts.orders import Attribution, OrderLine, OrderPaid
from server.kernel.outbox import emit
from server.payments.billing_email import billing_email
from server.payments.handlers import Context, Handled, intent_fields
from server.payments.late_refund import reject_late_payment


async def handle(session: AsyncSession, ctx: Context, intent: dict[str, Any]) -> Handled:
    intent_id, order_id, amount_minor, currency = intent_fields(intent)
    order = await payments.find_order(session, order_id, intent_id)
    if order is None:
        return Handled(payments.Outcome.UNKNOWN_ORDER.value)
    applied = await payments.apply_success(session, order, intent_id, amount_minor, currency)
    if applied.outcome in (payments.Outcome.PAID, payments.Outcome.LATE_PAID):
        await _announce_paid(session, ctx, order, billing_email(intent))
    if applied.outcome is payments.Outcome.REFUND_NEEDED:
        await reject_late_payment(session, order.id, intent_id, amount_minor, currency)
    return Handled(applied.outcome.value)


async def _announce_paid(session: AsyncSession, ctx: Context, order: Order, verified_email: str | None) -> None:
    paid_at = order.paid_at or utcnow()
    facts = OrderFacts(
        order_id=order.id,
        brand_id=order.brand_id,
        session_id=order.session_id,
        visitor_id=order.visitor_id,
        attribution_token=order.attribution_token,
        buyer_email=order.contact_email,
        buyer_phone=order.contact_phone,
        amount_minor=order.amount_minor,
        currency=order.currency,
        paid_at=paid_at,
        verified_email=verified_email,
    )
    attribution = await attribute_order(session, facts, secret_key=ctx.secret_key, phone_region=ctx.phone_region)
    lines = [
        OrderLine(
            sku_id=line.sku_id,
            quantity=line.quantity,
            unit_price_minor=line.unit_price_minor,
            amount_minor=line.amount_minor,
        )
        for line in await lines_of(session, order.id)
    ]
    emit(
        session,
        OrderPaid(
            order_id=order.id,
            brand_id=order.brand_id,
            session_id=order.session_id,
            visitor_id=order.visitor_id,
            currency=order.currency,
            amount_minor=order.amount_minor,
            lines=lines,
            paid_at=paid_at,
            attribution=Attribution.model_validate(attribution),
            buyer_key=buyer_key(ctx.secret_key, verified_email, order.visitor_id),
            marketing_consent=order.marketing_consent,
        ),
        order.id,
    )
