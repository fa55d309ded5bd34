"""HTTP: the brand ships parcels and decides after-sales requests (tokens, tenant-checked); the
buyer reads the order after payment, confirms receipt and asks for after-sales (visitor cookie).
Thin: one service call each."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import Provide
from litestar.params import Parameter
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout.controllers import provide_gateway
from broadcast.checkout.gateway import PaymentGateway
from broadcast.fulfilment.schemas import (
    AftersaleCreate,
    AftersaleDecision,
    AftersalePublic,
    FulfilmentPublic,
    ParcelCreate,
    ParcelPublic,
)
from broadcast.fulfilment.service import FulfilmentService
from broadcast.fulfilment.views import fulfilment_public
from server.kernel.cookies import visitor_id
from server.kernel.pagination import Page
from server.kernel.principal import Principal, Role
from server.kernel.routing import PUBLIC, roles

A, B, F = Role.ADMIN, Role.BRAND, Role.FINANCE
AnyRequest = Request[Any, Any, Any]
GATEWAY = {"gateway": Provide(provide_gateway, sync_to_thread=False)}


class FulfilmentController(Controller):
    path = "/api/v1"
    tags = ["fulfilment and after-sales (brands)"]
    dependencies = GATEWAY

    @post("/orders/{order_id:str}/parcels", opt=roles(A, B), summary="Ship a parcel (carrier, tracking, lines)")
    async def ship(self, db: AsyncSession, principal: Principal, order_id: str, data: ParcelCreate) -> ParcelPublic:
        return ParcelPublic.model_validate(await FulfilmentService(db).ship(principal, order_id, data))

    @get("/orders/{order_id:str}/fulfilment", opt=roles(A, B, F), summary="Parcels and after-sales of an order")
    async def order_fulfilment(self, db: AsyncSession, principal: Principal, order_id: str) -> FulfilmentPublic:
        return await fulfilment_public(db, await FulfilmentService(db).brand_order(principal, order_id))

    @get(
        "/brands/{brand_id:str}/aftersales", opt=roles(A, B, F), summary="A brand's after-sales requests, newest first"
    )
    async def aftersales(
        self,
        db: AsyncSession,
        principal: Principal,
        brand_id: str,
        aftersale_state: str | None = Parameter(query="state", default=None, max_length=16),
    ) -> Page[AftersalePublic]:
        rows = await FulfilmentService(db).brand_aftersales(principal, brand_id, aftersale_state)
        return Page(items=[AftersalePublic.model_validate(a) for a in rows])

    @post("/aftersales/{aftersale_id:str}/decision", opt=roles(A, B), status_code=200, summary="Approve or refuse")
    async def decide(
        self,
        db: AsyncSession,
        principal: Principal,
        gateway: PaymentGateway | None,
        aftersale_id: str,
        data: AftersaleDecision,
    ) -> AftersalePublic:
        aftersale = await FulfilmentService(db, gateway).decide(principal, aftersale_id, data)
        return AftersalePublic.model_validate(aftersale)

    @post(
        "/aftersales/{aftersale_id:str}/received",
        opt=roles(A, B),
        status_code=200,
        summary="The returned goods arrived: refund the return",
    )
    async def received(
        self, db: AsyncSession, principal: Principal, gateway: PaymentGateway | None, aftersale_id: str
    ) -> AftersalePublic:
        return AftersalePublic.model_validate(await FulfilmentService(db, gateway).receive(principal, aftersale_id))


class BuyerFulfilmentController(Controller):
    path = "/api/v1/checkout/orders/{order_id:str}"
    tags = ["cart and checkout (viewers)"]

    @get("/fulfilment", opt=PUBLIC, summary="The viewer's order after payment: state, parcels, after-sales")
    async def view(self, db: AsyncSession, request: AnyRequest, order_id: str) -> FulfilmentPublic:
        order = await FulfilmentService(db).buyers(order_id, visitor_id(request)[0])
        return await fulfilment_public(db, order)

    @post("/delivery", opt=PUBLIC, status_code=200, summary="The buyer confirms receipt")
    async def confirm_delivery(self, db: AsyncSession, request: AnyRequest, order_id: str) -> FulfilmentPublic:
        order = await FulfilmentService(db).confirm_delivery(order_id, visitor_id(request)[0])
        return await fulfilment_public(db, order)

    @post("/aftersales", opt=PUBLIC, summary="Ask for a refund only, or a return and refund")
    async def request_aftersale(
        self, db: AsyncSession, request: AnyRequest, order_id: str, data: AftersaleCreate
    ) -> AftersalePublic:
        aftersale = await FulfilmentService(db).request_aftersale(order_id, visitor_id(request)[0], data)
        return AftersalePublic.model_validate(aftersale)
