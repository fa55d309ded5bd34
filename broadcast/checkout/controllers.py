"""HTTP: the viewer's cart and checkout (public, keyed by the visitor cookie) and the brand's
orders and refunds (tokens, tenant-checked). Thin: one service call each."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from litestar import Controller, Request, Response, delete, get, post, put
from litestar.di import Provide
from litestar.params import Parameter
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout.cart import CartService
from broadcast.checkout.checkout import CheckoutService
from broadcast.checkout.gate import runtime as gate_runtime
from broadcast.checkout.gateway import PaymentGateway
from broadcast.checkout.intents import IntentService
from broadcast.checkout.order_filters import PARTNER_ORDERS_STATE, OrderFilters
from broadcast.checkout.orders import OrderService
from broadcast.checkout.refunds import RefundService
from broadcast.checkout.schemas import (
    CartItemSet,
    CartPublic,
    CheckoutPublic,
    CheckoutRequest,
    OrderDetailPublic,
    OrderPublic,
    PaymentIntentPublic,
    RefundCreate,
    RefundPublic,
)
from broadcast.checkout.visitor import attribution_token, hold_guard
from server.kernel.cookies import respond, visitor_id
from server.kernel.pagination import DEFAULT_LIMIT, Page
from server.kernel.principal import Principal, Role
from server.kernel.referrals import vouched_ref
from server.kernel.routing import PUBLIC, roles

A, B, F = Role.ADMIN, Role.BRAND, Role.FINANCE
AnyRequest = Request[Any, Any, Any]
IdempotencyKey = Parameter(
    header="Idempotency-Key",
    min_length=8,
    max_length=100,
    description="retrying with the same key returns the same result",
)


def provide_gateway(request: AnyRequest) -> PaymentGateway | None:
    return getattr(request.app.state, "payment_gateway", None)


class CartController(Controller):
    path = "/api/v1/sessions/{session_id:str}/cart"
    tags = ["cart and checkout (viewers)"]

    @get("/", opt=PUBLIC, summary="The viewer's cart in this session (visitor cookie)")
    async def view(self, db: AsyncSession, request: AnyRequest, session_id: str) -> Response[CartPublic]:
        vid, new = visitor_id(request)
        return respond(await CartService(db).view(session_id, vid), vid, new)

    @post("/items", opt=PUBLIC, status_code=200, summary="Add units of a line-up SKU (client prices ignored)")
    async def add(
        self,
        db: AsyncSession,
        request: AnyRequest,
        session_id: str,
        data: CartItemSet,
        ref: str | None = Parameter(default=None, max_length=64),
    ) -> Response[CartPublic]:
        vid, new = visitor_id(request)
        # the funnel counts the add for a link only if this browser came through it
        ref = await vouched_ref(request.app.state, ref, None if new else vid, attribution_token(request))
        return respond(await CartService(db).add(session_id, vid, data, ref), vid, new)

    @put("/items", opt=PUBLIC, summary="Set a line's quantity")
    async def set_quantity(
        self, db: AsyncSession, request: AnyRequest, session_id: str, data: CartItemSet
    ) -> Response[CartPublic]:
        vid, new = visitor_id(request)
        return respond(await CartService(db).put(session_id, vid, data), vid, new)

    @delete("/items/{sku_id:str}", opt=PUBLIC, status_code=200, summary="Remove a line")
    async def remove(self, db: AsyncSession, request: AnyRequest, session_id: str, sku_id: str) -> Response[CartPublic]:
        vid, new = visitor_id(request)
        return respond(await CartService(db).remove(session_id, vid, sku_id), vid, new)


class CheckoutController(Controller):
    path = "/api/v1"
    tags = ["cart and checkout (viewers)"]
    dependencies = {"gateway": Provide(provide_gateway, sync_to_thread=False)}

    @post("/sessions/{session_id:str}/checkout", opt=PUBLIC, summary="Order the cart; holds stock")
    async def checkout(
        self,
        db: AsyncSession,
        request: AnyRequest,
        gateway: PaymentGateway | None,
        session_id: str,
        data: CheckoutRequest,
        idempotency_key: str = IdempotencyKey,
    ) -> Response[CheckoutPublic]:
        vid, new = visitor_id(request)
        minutes = request.app.state.settings.order_reservation_minutes
        service = CheckoutService(db, gateway, minutes, gate_runtime.of(request.app), hold_guard(request))
        order = await service.place(session_id, vid, idempotency_key, data, attribution_token(request))
        return respond(await OrderService(db, gateway).checkout_public(order), vid, new, status_code=201)

    @post(
        "/checkout/orders/{order_id:str}/payment-intent",
        opt=PUBLIC,
        status_code=200,
        summary="The order's PaymentIntent (made on first call, the same after): when the buyer presses Pay",
    )
    async def payment_intent(
        self, db: AsyncSession, request: AnyRequest, gateway: PaymentGateway | None, order_id: str
    ) -> PaymentIntentPublic:
        intent = await IntentService(db, gateway).for_buyer(order_id, visitor_id(request)[0])
        return PaymentIntentPublic(
            order_id=order_id,
            payment_intent_id=intent.id,
            client_secret=intent.client_secret,
            status=intent.status,
            amount_minor=intent.amount_minor,
            currency=intent.currency,
        )

    @get("/checkout/orders/{order_id:str}", opt=PUBLIC, summary="The viewer's own order")
    async def buyer_order(
        self, db: AsyncSession, request: AnyRequest, gateway: PaymentGateway | None, order_id: str
    ) -> OrderPublic:
        return await OrderService(db, gateway).for_buyer(order_id, visitor_id(request)[0])

    @post(
        "/checkout/orders/{order_id:str}/test-payment",
        opt=PUBLIC,
        status_code=202,
        summary="TEST MODE ONLY: make and confirm the PaymentIntent with a test card (no Stripe.js on a test server)",
    )
    async def test_payment(
        self, db: AsyncSession, request: AnyRequest, gateway: PaymentGateway | None, order_id: str
    ) -> dict[str, str]:
        intent = await OrderService(db, gateway).pay_with_test_card(order_id, visitor_id(request)[0])
        return {"payment_intent_id": intent.id, "status": intent.status}


class OrderController(Controller):
    path = "/api/v1"
    tags = ["orders and refunds"]
    dependencies = {"gateway": Provide(provide_gateway, sync_to_thread=False)}

    @get("/orders/{order_id:str}", opt=roles(A, B, F), summary="An order with its history")
    async def get_order(
        self, db: AsyncSession, principal: Principal, gateway: PaymentGateway | None, order_id: str
    ) -> OrderDetailPublic:
        return await OrderService(db, gateway).for_brand(principal, order_id)

    @get("/brands/{brand_id:str}/orders", opt=roles(A, B, F), summary="A brand's orders, newest first, filtered")
    async def list_orders(
        self,
        db: AsyncSession,
        request: AnyRequest,
        principal: Principal,
        gateway: PaymentGateway | None,
        brand_id: str,
        cursor: str | None = None,
        limit: int = DEFAULT_LIMIT,
        session_id: str | None = Parameter(default=None, max_length=40),
        order_state: str | None = Parameter(query="state", default=None, max_length=24),
        partner_id: str | None = Parameter(default=None, max_length=40, description="the partner who earned it"),
        created_from: datetime | None = Parameter(default=None, description="created at or after (ISO 8601)"),
        created_until: datetime | None = Parameter(default=None, description="created before (ISO 8601)"),
    ) -> Page[OrderPublic]:
        service = OrderService(db, gateway)
        filters = OrderFilters(session_id, order_state, partner_id, created_from, created_until).check()
        partner_orders = getattr(request.app.state, PARTNER_ORDERS_STATE, None)
        rows, nxt = await service.list_for_brand(principal, brand_id, cursor, limit, filters, partner_orders)
        return Page(items=await service.publics(rows), next_cursor=nxt)

    @post("/orders/{order_id:str}/refunds", opt=roles(A, B), summary="Refund an order fully or partly (Stripe)")
    async def refund(
        self,
        db: AsyncSession,
        principal: Principal,
        gateway: PaymentGateway | None,
        order_id: str,
        data: RefundCreate,
        idempotency_key: str | None = Parameter(header="Idempotency-Key", default=None, min_length=8, max_length=100),
    ) -> RefundPublic:
        service = RefundService(db, gateway)
        key = idempotency_key or f"auto-{secrets.token_urlsafe(12)}"
        refund = await service.request(principal, order_id, data.amount_minor, key, data.reason)
        return await service.public(refund)

    @get("/orders/{order_id:str}/refunds", opt=roles(A, B, F), summary="An order's refunds")
    async def refunds(
        self, db: AsyncSession, principal: Principal, gateway: PaymentGateway | None, order_id: str
    ) -> Page[RefundPublic]:
        service = RefundService(db, gateway)
        return Page(items=[await service.public(r) for r in await service.list(principal, order_id)])
