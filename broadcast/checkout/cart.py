"""A viewer's cart in one session, keyed by the visitor cookie (no account needed)."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout import catalog, stock
from broadcast.checkout.models import CartItem
from broadcast.checkout.schemas import CartItemSet, CartLinePublic, CartPublic
from broadcast.coupons import discount
from broadcast.models import LineupItem, Sku
from server.kernel.clock import utcnow
from server.kernel.contracts import CartItemAdded
from server.kernel.ids import new_id
from server.kernel.outbox import emit
from server.kernel.problems import InvalidInput, NotFound


class CartService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def view(self, session_id: str, visitor_id: str) -> CartPublic:
        live, policy = await catalog.selling_session(self.session, session_id)
        live_price = await catalog.live_price_now(self.session, live)
        stmt = (
            select(CartItem, Sku, LineupItem)
            .join(Sku, Sku.id == CartItem.sku_id)  # type: ignore[arg-type]
            .join(
                LineupItem,
                (LineupItem.session_id == CartItem.session_id)  # type: ignore[arg-type]
                & (LineupItem.sku_id == CartItem.sku_id),
            )
            .where(CartItem.session_id == session_id, CartItem.visitor_id == visitor_id)
            .order_by(col(CartItem.created_at), col(CartItem.id))
        )
        lines = []
        for cart_item, sku, item in (await self.session.exec(stmt)).all():
            price = catalog.Offer(sku=sku, item=item, live_price=live_price).unit_price_minor
            lines.append(
                CartLinePublic(
                    sku_id=sku.id,
                    title=sku.title,
                    quantity=cart_item.quantity,
                    unit_price_minor=price,
                    amount_minor=price * cart_item.quantity,
                    currency=sku.currency,
                )
            )
        currency = lines[0].currency if lines else None
        return CartPublic(
            session_id=session_id,
            lines=lines,
            amount_minor=sum(x.amount_minor for x in lines),
            currency=currency,
            per_buyer_limit_per_sku=policy.per_buyer_limit_per_sku,
        )

    async def add(self, session_id: str, visitor_id: str, data: CartItemSet, ref: str | None) -> CartPublic:
        """Add `quantity` units to the line (the price and currency a client sends are ignored)."""
        line = await self._line(session_id, visitor_id, data.sku_id)
        total = data.quantity + (line.quantity if line else 0)
        await self._save(session_id, visitor_id, data.sku_id, total, line)
        added = CartItemAdded(session_id=session_id, sku_id=data.sku_id, quantity=data.quantity, ref=ref)
        emit(self.session, added, session_id)
        await self.session.commit()
        return await self.view(session_id, visitor_id)

    async def put(self, session_id: str, visitor_id: str, data: CartItemSet) -> CartPublic:
        """Set the line's quantity."""
        line = await self._line(session_id, visitor_id, data.sku_id)
        await self._save(session_id, visitor_id, data.sku_id, data.quantity, line)
        await self.session.commit()
        return await self.view(session_id, visitor_id)

    async def remove(self, session_id: str, visitor_id: str, sku_id: str) -> CartPublic:
        line = await self._line(session_id, visitor_id, sku_id)
        if line is None:
            raise NotFound.of("cart line", sku_id)
        await self.session.delete(line)
        await self.session.commit()
        return await self.view(session_id, visitor_id)

    async def _save(self, session_id: str, visitor_id: str, sku_id: str, quantity: int, line: CartItem | None) -> None:
        live, policy = await catalog.selling_session(self.session, session_id)
        offer = await catalog.offer(self.session, session_id, sku_id)
        await self._same_currency(session_id, visitor_id, offer.sku.currency, sku_id)
        await catalog.check_buyer_limit(
            self.session, session_id, visitor_id, sku_id, quantity, policy.per_buyer_limit_per_sku
        )
        available, _ = await stock.snapshot(self.session, live.id, sku_id)
        if quantity > available:
            raise stock.SoldOut(f"only {available} unit(s) of this SKU are left", extra={"sku_id": sku_id})
        line = line or CartItem(
            id=new_id("cit"), session_id=session_id, visitor_id=visitor_id, sku_id=sku_id, quantity=quantity
        )
        line.quantity, line.updated_at = quantity, utcnow()
        self.session.add(line)

    async def _same_currency(self, session_id: str, visitor_id: str, currency: str, sku_id: str) -> None:
        stmt = (
            select(Sku.currency)
            .join(CartItem, CartItem.sku_id == Sku.id)  # type: ignore[arg-type]
            .where(CartItem.session_id == session_id, CartItem.visitor_id == visitor_id, CartItem.sku_id != sku_id)
        )
        if any(c != currency for c in (await self.session.exec(stmt)).all()):
            raise InvalidInput(
                "a cart is paid in one currency; check out the other SKUs first",
                extra={"errors": [{"field": "sku_id", "message": "different currency"}]},
            )

    async def _line(self, session_id: str, visitor_id: str, sku_id: str) -> CartItem | None:
        stmt = select(CartItem).where(
            CartItem.session_id == session_id, CartItem.visitor_id == visitor_id, CartItem.sku_id == sku_id
        )
        return (await self.session.exec(stmt)).first()


async def cart_lines(session: AsyncSession, session_id: str, visitor_id: str) -> tuple[str | None, list[discount.Line]]:
    """The cart as the coupon wallet needs it: its currency, and each line's SKU and amount as checkout prices it."""
    cart = await CartService(session).view(session_id, visitor_id)
    return cart.currency, [discount.Line(line.sku_id, line.amount_minor) for line in cart.lines]
