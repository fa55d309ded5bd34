"""Reading orders: the buyer's own (by visitor cookie) and the brand's (by token, tenant-checked).
Reading an unpaid order past its hold expires it first, so nobody sees a stale reservation."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout.closing import lines_of
from broadcast.checkout.expiry import expire_if_due
from broadcast.checkout.gateway import DISABLED, Intent, PaymentGateway
from broadcast.checkout.intents import IntentService
from broadcast.checkout.models import Order, OrderEvent, OrderLine, OrderState
from broadcast.checkout.order_filters import OrderFilters, PartnerOrders, filtered
from broadcast.checkout.schemas import (
    CheckoutPublic,
    OrderDetailPublic,
    OrderEventPublic,
    OrderLinePublic,
    OrderPublic,
    PaymentPublic,
)
from server.kernel.pagination import fetch_page
from server.kernel.principal import Principal
from server.kernel.problems import NotFound, ServiceUnavailable


class OrderService:
    def __init__(self, session: AsyncSession, gateway: PaymentGateway | None) -> None:
        self.session = session
        self.gateway = gateway

    async def for_buyer(self, order_id: str, visitor_id: str | None) -> OrderPublic:
        order = await self._buyers(order_id, visitor_id)
        if await expire_if_due(self.session, order.id, self.gateway):
            order = await self._buyers(order_id, visitor_id)
        return await self.public(order)

    async def pay_with_test_card(self, order_id: str, visitor_id: str | None) -> Intent:
        """TEST MODE ONLY (see `StripeGateway.confirm_with_test_card`): the intent is made on demand,
        as the Pay button would."""
        if self.gateway is None:
            raise ServiceUnavailable(DISABLED)
        if not self.gateway.test_payments:  # before any intent is made: this path is for test servers only
            raise ServiceUnavailable("test payments are off: they need an sk_test_ key and STRIPE_TEST_PAYMENTS=1")
        intent = await IntentService(self.session, self.gateway).for_buyer(order_id, visitor_id)
        return await self.gateway.confirm_with_test_card(intent.id)

    async def checkout_public(self, order: Order) -> CheckoutPublic:
        """What checkout (and a group-buy seat) answers: the order and how to pay it."""
        test_payments = bool(self.gateway and self.gateway.test_payments)
        return CheckoutPublic(
            order=await self.public(order),
            payment=payment_of(order, test_payments),
            test_payments=test_payments,
        )

    async def for_brand(self, principal: Principal, order_id: str) -> OrderDetailPublic:
        order = await self.session.get(Order, order_id)
        if order is None:
            raise NotFound.of("order", order_id)
        principal.ensure_brand(order.brand_id, "order", order_id)
        if await expire_if_due(self.session, order.id, self.gateway):
            await self.session.refresh(order)
        base = await self.public(order)
        stmt = select(OrderEvent).where(OrderEvent.order_id == order_id).order_by(OrderEvent.id)
        history = [OrderEventPublic.model_validate(e) for e in (await self.session.exec(stmt)).all()]
        return OrderDetailPublic(
            **base.model_dump(),
            contact_name=order.contact_name,
            contact_email=order.contact_email,
            contact_phone=order.contact_phone,
            shipping_address=order.shipping_address,
            personal_data_cleared_at=order.personal_data_cleared_at,
            history=history,
        )

    async def list_for_brand(
        self,
        principal: Principal,
        brand_id: str,
        cursor: str | None,
        limit: int,
        filters: OrderFilters | None = None,
        partner_orders: PartnerOrders | None = None,
    ) -> tuple[Sequence[Order], str | None]:
        """Newest first (ids are time-ordered), narrowed by `filters`: one statement per page."""
        principal.ensure_brand(brand_id)
        stmt = filtered(
            select(Order).where(Order.brand_id == brand_id), brand_id, filters or OrderFilters(), partner_orders
        )
        return await fetch_page(self.session, stmt, Order.id, cursor, limit, newest_first=True)

    async def public(self, order: Order) -> OrderPublic:
        return _public(order, await lines_of(self.session, order.id))

    async def publics(self, orders: Sequence[Order]) -> list[OrderPublic]:
        """A page of orders with their lines in two queries whatever the page size (one `IN` for the lines)."""
        by_order: dict[str, list[OrderLine]] = defaultdict(list)
        if orders:
            stmt = select(OrderLine).where(col(OrderLine.order_id).in_([o.id for o in orders]))
            for line in (await self.session.exec(stmt.order_by(col(OrderLine.sku_id)))).all():
                by_order[line.order_id].append(line)
        return [_public(order, by_order[order.id]) for order in orders]

    async def _buyers(self, order_id: str, visitor_id: str | None) -> Order:
        order = await self.session.get(Order, order_id, populate_existing=True)
        if order is None or visitor_id is None or order.visitor_id != visitor_id:
            raise NotFound.of("order", order_id)
        return order


def payment_of(order: Order, test_payments: bool) -> PaymentPublic | None:
    if order.state != OrderState.PENDING_PAYMENT:
        return None
    base = f"/api/v1/checkout/orders/{order.id}"
    return PaymentPublic(
        intent_url=f"{base}/payment-intent",
        amount_minor=order.amount_minor,
        currency=order.currency,
        test_payment_url=f"{base}/test-payment" if test_payments else None,
    )


def _public(order: Order, lines: Sequence[OrderLine]) -> OrderPublic:
    return OrderPublic(
        id=order.id,
        brand_id=order.brand_id,
        session_id=order.session_id,
        state=order.state,
        currency=order.currency,
        amount_minor=order.amount_minor,
        discount_minor=order.discount_minor,
        coupon_claim_id=order.coupon_claim_id,
        refunded_minor=order.refunded_minor,
        reserved_until=order.reserved_until,
        payment_intent_id=order.payment_intent_id,
        paid_at=order.paid_at,
        closed_at=order.closed_at,
        created_at=order.created_at,
        lines=[OrderLinePublic.model_validate(line) for line in lines],
    )
