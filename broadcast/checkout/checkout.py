"""Checkout: the cart becomes an order at the server's prices and its units are held — with no
call to Stripe: the PaymentIntent is made when the buyer presses Pay (`intents`, Stripe's
deferred-intent flow), so a flash-sale winner's request never waits on the payment provider.
A retried checkout (same `Idempotency-Key`) returns the same order (found before anything is
computed, so a coupon is never applied twice). A coupon claim named in the request takes its
discount off the eligible lines and is marked used in the same transaction.

With a stock gate (`gate/`), a flash-sale crowd is answered before the database: a probe turns
away a sold-out or over-limit attempt with no database round trip, and a checkout that gets in
takes its units from the gate before its transaction does the real, guarded reservation (and
gives them back if that transaction fails)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout import catalog, holds, states, stock
from broadcast.checkout.gate import Answer, GateKeeper, Line, Verdict
from broadcast.checkout.gateway import DISABLED, PaymentGateway
from broadcast.checkout.models import CartItem, Order, OrderLine
from broadcast.checkout.schemas import CheckoutRequest
from broadcast.coupons import discount, redeem
from server.kernel.clock import utcnow
from server.kernel.ids import new_id
from server.kernel.problems import InvalidInput, Problem, ServiceUnavailable


class CheckoutService:
    def __init__(
        self,
        session: AsyncSession,
        gateway: PaymentGateway | None,
        reservation_minutes: float = 10,
        gate: GateKeeper | None = None,
        hold_guard: holds.HoldGuard | None = None,
    ) -> None:
        self.session = session
        self.gateway = gateway
        self.reservation = timedelta(minutes=reservation_minutes)
        self.gate = gate
        self.hold_guard = hold_guard or holds.HoldGuard()
        self._taken: tuple[str, str, str, list[Line]] | None = None  # what to give back if the reservation fails

    async def place(
        self, session_id: str, visitor_id: str, key: str, data: CheckoutRequest, attribution_token: str | None
    ) -> Order:
        """Reserve and create the order; Stripe is not called (the intent comes at Pay, `intents`)."""
        if self.gateway is None:
            raise ServiceUnavailable(DISABLED)
        await self._turn_away_at_the_gate(session_id, visitor_id, key)
        order = await self.by_key(session_id, visitor_id, key)
        if order is None:
            order = await self.reserve(session_id, visitor_id, key, data, attribution_token)
        return order

    async def reserve(
        self, session_id: str, visitor_id: str, key: str, data: CheckoutRequest, attribution_token: str | None
    ) -> Order:
        """The order and its held units, committed together (or nothing, on any error)."""
        try:
            return await self._reserve(session_id, visitor_id, key, data, attribution_token)
        except IntegrityError:  # the same key checked out concurrently: that twin's order is the answer
            await self.session.rollback()
            await self._give_back_taken()
            twin = await self.by_key(session_id, visitor_id, key)
            if twin is None:
                raise
            return twin
        except BaseException:
            await self.session.rollback()
            await self._give_back_taken()
            raise

    async def _reserve(
        self, session_id: str, visitor_id: str, key: str, data: CheckoutRequest, attribution_token: str | None
    ) -> Order:
        live, policy = await catalog.selling_session(self.session, session_id)
        cart = await self._locked_cart(session_id, visitor_id)
        if not cart:
            twin = await self.by_key(session_id, visitor_id, key)  # a concurrent retry took the cart
            if twin is not None:
                return twin
            raise InvalidInput(
                "the cart is empty: add a SKU first", extra={"errors": [{"field": "cart", "message": "empty"}]}
            )
        await self.hold_guard.before_write(self.session, session_id, visitor_id, [c.sku_id for c in cart])
        admitted = await self._take_at_the_gate(session_id, visitor_id, key, cart)
        offers = [await catalog.offer(self.session, session_id, c.sku_id) for c in cart]
        if not admitted:  # no gate, or it could not answer: the database's own early answer
            await self._fail_fast_if_sold_out(session_id, cart)
        if len({o.sku.currency for o in offers}) != 1:
            raise InvalidInput("a cart is paid in one currency")
        for c in cart:
            await catalog.check_buyer_limit(
                self.session, session_id, visitor_id, c.sku_id, c.quantity, policy.per_buyer_limit_per_sku
            )
        if sum(o.unit_price_minor * c.quantity for c, o in zip(cart, offers, strict=True)) <= 0:
            raise InvalidInput("nothing to pay: free items cannot be checked out")
        applied = await self._coupon(live.brand_id, visitor_id, data, cart, offers)
        order = self._order(live.brand_id, session_id, visitor_id, key, data, attribution_token, cart, offers, applied)
        self.hold_guard.stamp(order)
        for c in cart:  # emptied now, so the commit writes nothing but the event after the units are taken
            await self.session.delete(c)
        await self.session.flush()  # the idempotency key's unique index answers a concurrent twin here
        await self.hold_guard.after_insert(self.session, order)
        if applied is not None:  # the claim before the SKUs: closing an order touches them in this order too
            await redeem.use(self.session, applied.claim_id, visitor_id, order.id)
        await self.session.flush()
        await self._take_units(session_id, cart, offers, policy.unpaid_hold_share_bps)
        await self.session.commit()
        return order

    async def _take_units(
        self, session_id: str, cart: Sequence[CartItem], offers: list[catalog.Offer], share_bps: int
    ) -> None:
        """Units last: the SKU row locks are held only from here to the commit. On PostgreSQL each
        SKU's units, counter and StockChanged event are one statement, and nothing here reads again,
        so the commit is the only round trip left while the next buyer of the SKU waits."""
        await stock.commit_without_waiting_for_disk(self.session)
        for c, o in zip(cart, offers, strict=True):
            units = stock.Units(c.sku_id, c.quantity)
            level = await stock.reserve(self.session, session_id, units, o.item.limited_quantity, announce=True)
            await self.hold_guard.check_share(self.session, session_id, c.sku_id, share_bps, c.quantity, level)

    async def _coupon(
        self,
        brand_id: str,
        visitor_id: str,
        data: CheckoutRequest,
        cart: Sequence[CartItem],
        offers: list[catalog.Offer],
    ) -> redeem.Applied | None:
        """The claim's discount on these lines (checked: the visitor's, unused, valid, same brand, min spend)."""
        if data.coupon_claim_id is None:
            return None
        lines = [discount.Line(c.sku_id, o.unit_price_minor * c.quantity) for c, o in zip(cart, offers, strict=True)]
        return await redeem.prepare(
            self.session, data.coupon_claim_id, visitor_id, brand_id, offers[0].sku.currency, lines
        )

    def _order(
        self,
        brand_id: str,
        session_id: str,
        visitor_id: str,
        key: str,
        data: CheckoutRequest,
        attribution_token: str | None,
        cart: Sequence[CartItem],
        offers: list[catalog.Offer],
        applied: redeem.Applied | None,
    ) -> Order:
        now = utcnow()
        cuts = applied.line_discounts if applied else [0] * len(cart)
        gross = sum(o.unit_price_minor * c.quantity for c, o in zip(cart, offers, strict=True))
        order = Order(
            id=new_id("ord"),
            brand_id=brand_id,
            session_id=session_id,
            visitor_id=visitor_id,
            idempotency_key=key,
            currency=offers[0].sku.currency,
            created_at=now,
            updated_at=now,
            amount_minor=gross - sum(cuts),
            discount_minor=sum(cuts),
            coupon_claim_id=applied.claim_id if applied else None,
            reserved_until=now + self.reservation,
            attribution_token=attribution_token,
            contact_name=data.contact.name,
            contact_email=data.contact.email,
            contact_phone=data.contact.phone,
            shipping_address=data.shipping_address,
            marketing_consent=data.marketing_consent,
        )
        self.session.add(order)
        for c, o, cut in zip(cart, offers, cuts, strict=True):
            self.session.add(
                OrderLine(
                    id=new_id("orl"),
                    order_id=order.id,
                    sku_id=c.sku_id,
                    title=o.sku.title,
                    quantity=c.quantity,
                    unit_price_minor=o.unit_price_minor,
                    amount_minor=o.unit_price_minor * c.quantity - cut,
                    discount_minor=cut,
                    currency=o.sku.currency,
                )
            )
        states.created(self.session, order)
        return order

    async def _turn_away_at_the_gate(self, session_id: str, visitor_id: str, key: str) -> None:
        """Sold out, or this buyer at the limit for all that is left: refused from the gate alone."""
        if self.gate is not None:
            _refuse_if_refused(await self.gate.ask(session_id, visitor_id, key))

    async def _take_at_the_gate(self, session_id: str, visitor_id: str, key: str, cart: Sequence[CartItem]) -> bool:
        """True if the gate holds this cart's units for us (the database still guards them)."""
        if self.gate is None:
            return False
        lines = [Line(c.sku_id, c.quantity) for c in cart]
        answer = await self.gate.ask(session_id, visitor_id, key, lines)
        _refuse_if_refused(answer)
        if answer.verdict is not Verdict.TAKEN:  # a replay, or no answer: the database decides
            return False
        self._taken = (session_id, visitor_id, key, lines)
        return True

    async def _give_back_taken(self) -> None:
        if self.gate is not None and self._taken is not None:
            taken, self._taken = self._taken, None
            await self.gate.give(*taken)

    async def _fail_fast_if_sold_out(self, session_id: str, cart: Sequence[CartItem]) -> None:
        """A cheap read so that, once a flash sale is sold out, the crowd is turned away before any
        row is written. Only an early answer: the conditional UPDATE in `stock.reserve` is the guard."""
        for c in cart:
            available, _ = await stock.snapshot(self.session, session_id, c.sku_id)
            if available < c.quantity:
                raise stock.SoldOut(f"only {available} unit(s) of SKU {c.sku_id} are left", extra={"sku_id": c.sku_id})

    async def _locked_cart(self, session_id: str, visitor_id: str) -> Sequence[CartItem]:
        # Locking the viewer's own cart lines serialises two checkouts of the same viewer, so the
        # per-buyer limit cannot be passed by racing; other viewers are not blocked by it.
        stmt = (
            select(CartItem)
            .where(CartItem.session_id == session_id, CartItem.visitor_id == visitor_id)
            .order_by(CartItem.sku_id)
            .with_for_update()
        )
        return (await self.session.exec(stmt)).all()

    async def by_key(self, session_id: str, visitor_id: str, key: str) -> Order | None:
        stmt = select(Order).where(
            Order.session_id == session_id, Order.visitor_id == visitor_id, Order.idempotency_key == key
        )
        return (await self.session.exec(stmt)).first()


def _refuse_if_refused(answer: Answer) -> None:
    problem = refusal(answer)
    if problem is not None:
        raise problem


def refusal(answer: Answer) -> Problem | None:
    """The gate's refusals, as the same problems the database path raises; None if it did not refuse."""
    if answer.verdict is Verdict.SOLD_OUT:
        if not answer.sku_id:
            return stock.SoldOut("everything this session sells is sold out", extra={"sku_id": None})
        return stock.SoldOut(
            f"only {answer.count} unit(s) of SKU {answer.sku_id} are left", extra={"sku_id": answer.sku_id}
        )
    if answer.verdict is Verdict.OVER_LIMIT:
        return catalog.BuyerLimitExceeded(
            f"one viewer may buy at most {answer.limit} of this SKU in this session; you have {answer.count} already",
            extra={
                "errors": [{"field": "quantity", "message": f"at most {max(0, answer.limit - answer.count)} more"}],
                "limit": answer.limit,
                "sku_id": answer.sku_id,
            },
        )
    return None
