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
from broadcast.fulfilment import bulk
from broadcast.fulfilment.schemas import (
    AftersaleCreate,
    AftersaleDecision,
    AftersalePublic,
    FulfilmentPublic,
    ParcelCreate,
    ParcelPublic,
    TrackingImportPublic,
)
from broadcast.fulfilment.service import FulfilmentService
from broadcast.fulfilment.views import fulfilment_public
from server.kernel.cookies import visitor_id
from server.kernel.pagination import Page
from server.kernel.principal import Principal, Role
from server.kernel.problems import InvalidInput
from server.kernel.routing import PUBLIC, roles

A, B, F = Role.ADMIN, Role.BRAND, Role.FINANCE
AnyRequest = Request[Any, Any, Any]
MAX_CSV_BYTES = 1_000_000


async def csv_body(request: AnyRequest) -> str:
    raw = await request.body()
    if len(raw) > MAX_CSV_BYTES:
        raise InvalidInput(f"the file is larger than {MAX_CSV_BYTES} bytes; split it")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("the file is not UTF-8 text (save the CSV as UTF-8)") from None


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


class BulkShippingController(Controller):
    """Personal data leaves only to the brand's own token (not admin, not finance)."""

    path = "/api/v1/brands/{brand_id:str}"
    tags = ["fulfilment and after-sales (brands)"]

    @get("/orders/unshipped.csv", opt=roles(B), media_type="text/csv", summary="Lines left to ship, with contact")
    async def unshipped(self, db: AsyncSession, principal: Principal, brand_id: str) -> str:
        principal.ensure_brand(brand_id)
        return await bulk.unshipped_csv(db, brand_id)

    @post("/tracking-import", opt=roles(B), status_code=200, summary="CSV of tracking numbers: each row's result")
    async def import_tracking(
        self, db: AsyncSession, request: AnyRequest, principal: Principal, brand_id: str
    ) -> TrackingImportPublic:
        principal.ensure_brand(brand_id)
        results = await bulk.import_tracking(db, brand_id, await csv_body(request))
        await db.commit()
        return TrackingImportPublic.of(results)


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
