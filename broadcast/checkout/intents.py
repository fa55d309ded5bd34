"""An order's Stripe PaymentIntent, made when the buyer presses Pay — never inside checkout.

Stripe's deferred-intent flow: checkout only reserves the units and creates the order (no network
call, so a flash-sale winner never waits for Stripe); the page renders the Payment Element from the
order's amount and currency, and on Pay asks for the intent here, then confirms it in the browser.
A cart order and a group-buy seat alike. One intent per order: Stripe's idempotency key is derived
from the order id, and a retry (or a twin request) gets the intent already stored.

Stripe is called outside any transaction. Its answer is stored under the order's row lock; if the
order closed meanwhile (expired, cancelled), the new intent is cancelled and the buyer told so, so
no intent that could take money is left behind for a closed order. Stripe unreachable: 503 with
Retry-After, the order keeps its hold. Stripe refusing the order: it is closed, its units go back."""

from __future__ import annotations

import contextlib

from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout.closing import close_unpaid, lock_order
from broadcast.checkout.expiry import expire_if_due
from broadcast.checkout.gateway import (
    DISABLED,
    Intent,
    PaymentGateway,
    PaymentProviderError,
    PaymentProviderUnavailable,
)
from broadcast.checkout.models import Order, OrderState
from server.kernel.clock import utcnow
from server.kernel.problems import Conflict, NotFound, ServiceUnavailable


class OrderNotPayable(Conflict):
    slug, title = "order-not-payable", "This order is not waiting for payment"

    @classmethod
    def of(cls, order: Order) -> OrderNotPayable:
        return cls(f"this order is {order.state}; it is not waiting for payment", extra={"state": order.state})


class IntentService:
    def __init__(self, session: AsyncSession, gateway: PaymentGateway | None) -> None:
        self.session = session
        self.gateway = gateway

    async def for_buyer(self, order_id: str, visitor_id: str | None) -> Intent:
        """The buyer's own order only (visitor cookie); anyone else's is not found."""
        order = await self.session.get(Order, order_id, populate_existing=True)
        if order is None or visitor_id is None or order.visitor_id != visitor_id:
            raise NotFound.of("order", order_id)
        return await self.ensure(order)

    async def ensure(self, order: Order) -> Intent:
        """The order's PaymentIntent, made on first call; 409 once the order no longer waits for payment."""
        gateway = self._gateway()
        if await expire_if_due(self.session, order.id, gateway):
            await self.session.refresh(order)
        if order.state != OrderState.PENDING_PAYMENT:
            raise OrderNotPayable.of(order)
        if order.payment_intent_id:
            return await gateway.retrieve_intent(order.payment_intent_id)
        try:
            intent = await gateway.create_intent(order.id, order.amount_minor, order.currency)
        except PaymentProviderUnavailable:
            raise  # not now: the hold stays, the buyer retries (the same intent comes back)
        except PaymentProviderError:
            await self._give_up(order.id)
            raise
        return await self._store(order.id, intent)

    async def _store(self, order_id: str, intent: Intent) -> Intent:
        order = await lock_order(self.session, order_id)
        if order is None or order.state != OrderState.PENDING_PAYMENT:
            refused = NotFound.of("order", order_id) if order is None else OrderNotPayable.of(order)
            await self.session.rollback()  # (after reading the state: a rollback expires the row)
            await self._let_go(intent.id)
            raise refused
        if order.payment_intent_id not in (None, intent.id):
            # A twin request stored another one first (Stripe de-duplicates by idempotency key only for
            # 24 hours; a test server not at all): the stored one is the order's, ours must not take money.
            stored = order.payment_intent_id
            await self.session.rollback()
            await self._let_go(intent.id)
            return await self._gateway().retrieve_intent(stored)
        order.payment_intent_id, order.updated_at = intent.id, utcnow()
        self.session.add(order)
        await self.session.commit()
        return intent

    async def _let_go(self, intent_id: str) -> None:
        """The order closed while Stripe answered: its fresh intent must not take money. Should the
        cancel fail, a payment would still be found by the order id in its metadata and refunded
        as a late payment of a closed order."""
        with contextlib.suppress(PaymentProviderError):
            await self._gateway().cancel_intent(intent_id)

    async def _give_up(self, order_id: str) -> None:
        order = await lock_order(self.session, order_id)
        if order is not None and await close_unpaid(self.session, order, OrderState.CANCELLED, "payment_intent_failed"):
            await self.session.commit()
        else:
            await self.session.rollback()

    def _gateway(self) -> PaymentGateway:
        if self.gateway is None:
            raise ServiceUnavailable(DISABLED)
        return self.gateway
