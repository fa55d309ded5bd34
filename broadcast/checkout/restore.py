"""Undoing a checkout the payment provider could not take: the buyer keeps the cart.

The order was committed (units held, cart lines moved onto it) before Stripe was asked for a
PaymentIntent, because no network call runs inside a transaction. When that call fails, one
transaction puts everything back: the order is cancelled (its units return to stock, its coupon
claim to the buyer), its lines go back into the cart, and its idempotency key is set aside, so a
retry with the same `Idempotency-Key` checks the cart out again instead of answering with the
failed attempt. An order that has a PaymentIntent by then is left alone: money may be coming.

Locks: the buyer's cart lines first, then the order row, then what `close_unpaid` takes — the
order checkout takes them in (cart lines, then claim and SKUs), so the two cannot deadlock."""

from __future__ import annotations

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout.closing import close_unpaid, lines_of, lock_order
from broadcast.checkout.models import CartItem, Order, OrderLine, OrderState
from server.kernel.clock import utcnow
from server.kernel.ids import new_id

REASON = "payment_provider_unavailable"
SET_ASIDE = "unpaid:"  # + the order id: unique, and never a client's key (those are kept as sent)


async def put_back(session: AsyncSession, order_id: str) -> bool:
    """Cancel the unpaid order and return its lines to the cart; False if it had moved on."""
    order = await session.get(Order, order_id)
    if order is None:
        return False
    cart = await _locked_cart(session, order)
    order = await lock_order(session, order_id)
    if order is None or order.payment_intent_id is not None:
        await session.rollback()
        return False
    key = order.idempotency_key
    if not await close_unpaid(session, order, OrderState.CANCELLED, REASON, {"idempotency_key": key}):
        await session.rollback()
        return False
    order.idempotency_key = f"{SET_ASIDE}{order.id}"
    for line in await lines_of(session, order.id):
        _return_line(session, order, line, cart)
    await session.commit()
    return True


async def _locked_cart(session: AsyncSession, order: Order) -> dict[str, CartItem]:
    stmt = (
        select(CartItem)
        .where(CartItem.session_id == order.session_id, CartItem.visitor_id == order.visitor_id)
        .order_by(CartItem.sku_id)
        .with_for_update()
    )
    return {c.sku_id: c for c in (await session.exec(stmt)).all()}


def _return_line(session: AsyncSession, order: Order, line: OrderLine, cart: dict[str, CartItem]) -> None:
    # Added to, not replaced: the buyer may have put the same SKU in the cart again meanwhile.
    item = cart.get(line.sku_id) or CartItem(
        id=new_id("cit"), session_id=order.session_id, visitor_id=order.visitor_id, sku_id=line.sku_id, quantity=0
    )
    item.quantity, item.updated_at = item.quantity + line.quantity, utcnow()
    session.add(item)
