"""A seat's order: one unit of the offer's SKU at the group price, its stock held, and its
Stripe PaymentIntent — the same rows, states and gateway as checkout, without a cart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout import catalog, states, stock
from broadcast.checkout.closing import close_unpaid, lock_order
from broadcast.checkout.gateway import Intent, PaymentGateway, PaymentProviderError
from broadcast.checkout.models import Order, OrderLine, OrderState
from broadcast.checkout.schemas import CheckoutRequest
from broadcast.groupbuy.models import GroupOffer
from server.kernel.clock import utcnow
from server.kernel.ids import new_id

KEY_PREFIX = "grp-"  # keeps a seat's idempotency key apart from the same visitor's checkout keys


@dataclass(frozen=True)
class Buyer:
    visitor_id: str
    key: str  # the client's Idempotency-Key
    data: CheckoutRequest
    attribution_token: str | None

    @property
    def order_key(self) -> str:
        return (KEY_PREFIX + self.key)[:100]


async def seat_order(session: AsyncSession, offer: GroupOffer, found: catalog.Offer, buyer: Buyer,
                     reservation_minutes: float) -> Order:
    """Add the order and hold its unit in the caller's transaction (SoldOut: roll it back)."""
    live, policy = await catalog.selling_session(session, offer.session_id)
    await catalog.check_buyer_limit(session, offer.session_id, buyer.visitor_id, offer.sku_id, 1,
                                    policy.per_buyer_limit_per_sku)
    now = utcnow()
    order = Order(id=new_id("ord"), brand_id=live.brand_id, session_id=offer.session_id,
                  visitor_id=buyer.visitor_id, idempotency_key=buyer.order_key, currency=offer.currency,
                  amount_minor=offer.group_price_minor, reserved_until=now + timedelta(minutes=reservation_minutes),
                  attribution_token=buyer.attribution_token, contact_name=buyer.data.contact.name,
                  contact_email=buyer.data.contact.email, contact_phone=buyer.data.contact.phone,
                  shipping_address=buyer.data.shipping_address, created_at=now, updated_at=now)
    session.add(order)
    session.add(OrderLine(id=new_id("orl"), order_id=order.id, sku_id=offer.sku_id, title=found.sku.title,
                          quantity=1, unit_price_minor=offer.group_price_minor,
                          amount_minor=offer.group_price_minor, currency=offer.currency))
    states.created(session, order)
    await session.flush()  # the idempotency key's unique index answers a concurrent twin here
    await stock.reserve(session, offer.session_id, stock.Units(offer.sku_id, 1), found.item.limited_quantity)
    await stock.announce(session, offer.session_id, [offer.sku_id])
    return order


async def by_key(session: AsyncSession, session_id: str, buyer: Buyer) -> Order | None:
    stmt = select(Order).where(Order.session_id == session_id, Order.visitor_id == buyer.visitor_id,
                               Order.idempotency_key == buyer.order_key)
    return (await session.exec(stmt)).first()


async def intent_for(session: AsyncSession, gateway: PaymentGateway, order: Order) -> Intent | None:
    """The order's PaymentIntent, made once (Stripe's idempotency key is derived from the order)."""
    if order.state != OrderState.PENDING_PAYMENT:
        return None
    if order.payment_intent_id:
        return await gateway.retrieve_intent(order.payment_intent_id)
    try:
        intent = await gateway.create_intent(order.id, order.amount_minor, order.currency)
    except PaymentProviderError:
        locked = await lock_order(session, order.id)
        if locked is not None and await close_unpaid(session, locked, OrderState.CANCELLED, "payment_intent_failed"):
            await session.commit()  # the seat goes back with the next sweep (its order is closed)
        raise
    order.payment_intent_id, order.updated_at = intent.id, utcnow()
    session.add(order)
    await session.commit()
    return intent
