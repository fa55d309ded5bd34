"""A seat's order: one unit of the offer's SKU at the group price, its stock held — the same rows
and states as checkout, without a cart. Its PaymentIntent is made when the buyer presses Pay,
by checkout's own route (`POST /api/v1/checkout/orders/{id}/payment-intent`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout import catalog, holds, states, stock
from broadcast.checkout.checkout import CheckoutService
from broadcast.checkout.models import Order, OrderLine
from broadcast.checkout.schemas import CheckoutRequest
from broadcast.groupbuy.models import GroupOffer
from server.kernel.clock import utcnow
from server.kernel.ids import new_id

NO_HOLD_CAP = holds.HoldGuard()
KEY_PREFIX = "grp-"  # keeps a seat's idempotency key apart from the same visitor's checkout keys


@dataclass(frozen=True)
class Buyer:
    visitor_id: str
    key: str  # the client's Idempotency-Key
    data: CheckoutRequest
    attribution_token: str | None
    hold_guard: holds.HoldGuard = NO_HOLD_CAP  # a seat is an unpaid hold like a checkout

    @property
    def order_key(self) -> str:
        return (KEY_PREFIX + self.key)[:100]


async def seat_order(
    session: AsyncSession, offer: GroupOffer, found: catalog.Offer, buyer: Buyer, reservation_minutes: float
) -> Order:
    """Add the order and hold its unit in the caller's transaction (SoldOut: roll it back)."""
    live, policy = await catalog.selling_session(session, offer.session_id)
    await buyer.hold_guard.before_write(session, offer.session_id, buyer.visitor_id, [offer.sku_id])
    await catalog.check_buyer_limit(
        session, offer.session_id, buyer.visitor_id, offer.sku_id, 1, policy.per_buyer_limit_per_sku
    )
    now = utcnow()
    order = Order(
        id=new_id("ord"),
        brand_id=live.brand_id,
        session_id=offer.session_id,
        visitor_id=buyer.visitor_id,
        idempotency_key=buyer.order_key,
        currency=offer.currency,
        amount_minor=offer.group_price_minor,
        reserved_until=now + timedelta(minutes=reservation_minutes),
        attribution_token=buyer.attribution_token,
        contact_name=buyer.data.contact.name,
        contact_email=buyer.data.contact.email,
        contact_phone=buyer.data.contact.phone,
        shipping_address=buyer.data.shipping_address,
        marketing_consent=buyer.data.marketing_consent,
        created_at=now,
        updated_at=now,
    )
    session.add(order)
    session.add(
        OrderLine(
            id=new_id("orl"),
            order_id=order.id,
            sku_id=offer.sku_id,
            title=found.sku.title,
            quantity=1,
            unit_price_minor=offer.group_price_minor,
            amount_minor=offer.group_price_minor,
            currency=offer.currency,
        )
    )
    states.created(session, order)
    buyer.hold_guard.stamp(order)
    await session.flush()  # the idempotency key's unique index answers a concurrent twin here
    await buyer.hold_guard.after_insert(session, order)
    units = stock.Units(offer.sku_id, 1)
    level = await stock.reserve(session, offer.session_id, units, found.item.limited_quantity, announce=True)
    await buyer.hold_guard.check_share(session, offer.session_id, offer.sku_id, policy.unpaid_hold_share_bps, 1, level)
    return order


async def by_key(session: AsyncSession, session_id: str, buyer: Buyer) -> Order | None:
    return await CheckoutService(session, None).by_key(session_id, buyer.visitor_id, buyer.order_key)
