"""HTTP: the brand's group offers (tokens, tenant-checked) and the viewers' groups (public,
keyed by the visitor cookie, like checkout). Thin: one service call each."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import Provide
from litestar.params import Parameter
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout.controllers import IdempotencyKey, provide_gateway
from broadcast.checkout.gateway import PaymentGateway
from broadcast.checkout.models import Order
from broadcast.checkout.orders import OrderService
from broadcast.checkout.schemas import CheckoutRequest
from broadcast.checkout.visitor import attribution_token, hold_guard
from broadcast.groupbuy.models import Group
from broadcast.groupbuy.offers import GroupOfferService
from broadcast.groupbuy.ordering import Buyer
from broadcast.groupbuy.schemas import GroupOfferCreate, GroupOfferPublic, GroupPublic, GroupSeatPublic
from broadcast.groupbuy.seats import GroupService
from broadcast.groupbuy.views import group_public
from server.kernel.cookies import respond, visitor_id
from server.kernel.pagination import Page
from server.kernel.principal import Principal, Role
from server.kernel.routing import PUBLIC, roles

A, B = Role.ADMIN, Role.BRAND
AnyRequest = Request[Any, Any, Any]


class GroupOfferController(Controller):
    path = "/api/v1/sessions/{session_id:str}/group-offers"
    tags = ["group-buy"]

    @post("/", opt=roles(A, B), summary="Offer a line-up SKU at a group price for N buyers within T minutes")
    async def create(
        self, db: AsyncSession, principal: Principal, session_id: str, data: GroupOfferCreate
    ) -> GroupOfferPublic:
        service = GroupOfferService(db)
        return await service.public(await service.create(principal, session_id, data))

    @get("/", opt=PUBLIC, summary="The session's active group offers (the viewer page shows them)")
    async def list_active(self, db: AsyncSession, session_id: str) -> Page[GroupOfferPublic]:
        service = GroupOfferService(db)
        return Page(items=[await service.public(o) for o in await service.listed(session_id, only_active=True)])

    @get("/manage", opt=roles(A, B), summary="All of the session's group offers, with group counts")
    async def list_all(self, db: AsyncSession, principal: Principal, session_id: str) -> Page[GroupOfferPublic]:
        service = GroupOfferService(db)
        return Page(items=[await service.public(o) for o in await service.managed(principal, session_id)])

    @post(
        "/{offer_id:str}/deactivate",
        opt=roles(A, B),
        status_code=200,
        summary="Stop the offer: no new group opens or is joined; open groups run their course",
    )
    async def deactivate(
        self, db: AsyncSession, principal: Principal, session_id: str, offer_id: str
    ) -> GroupOfferPublic:
        service = GroupOfferService(db)
        return await service.public(await service.deactivate(principal, session_id, offer_id))


class GroupController(Controller):
    path = "/api/v1"
    tags = ["group-buy"]
    dependencies = {"gateway": Provide(provide_gateway, sync_to_thread=False)}

    @post(
        "/sessions/{session_id:str}/group-offers/{offer_id:str}/groups",
        opt=PUBLIC,
        summary="Open a group: seat 1 and its order (stock held; pay through `payment.intent_url`)",
    )
    async def open_group(
        self,
        db: AsyncSession,
        request: AnyRequest,
        gateway: PaymentGateway | None,
        session_id: str,
        offer_id: str,
        data: CheckoutRequest,
        idempotency_key: str = IdempotencyKey,
        ref: str | None = Parameter(default=None, max_length=64),
    ) -> Response[GroupSeatPublic]:
        vid, new = visitor_id(request)
        buyer = Buyer(vid, idempotency_key, data, attribution_token(request), hold_guard(request))
        service = GroupService(db, gateway, request.app.state.settings.order_reservation_minutes)
        group, order = await service.open(session_id, offer_id, buyer, ref)
        return respond(await _seat(db, request, gateway, group, order), vid, new, status_code=201)

    @post("/groups/{code:str}/members", opt=PUBLIC, summary="Join a group: the next seat and its order")
    async def join_group(
        self,
        db: AsyncSession,
        request: AnyRequest,
        gateway: PaymentGateway | None,
        code: str,
        data: CheckoutRequest,
        idempotency_key: str = IdempotencyKey,
    ) -> Response[GroupSeatPublic]:
        vid, new = visitor_id(request)
        buyer = Buyer(vid, idempotency_key, data, attribution_token(request), hold_guard(request))
        service = GroupService(db, gateway, request.app.state.settings.order_reservation_minutes)
        group, order = await service.join(code, buyer)
        return respond(await _seat(db, request, gateway, group, order), vid, new, status_code=201)

    @get("/groups/{code:str}", opt=PUBLIC, summary="A group: offer, seats taken and paid, time left, share link")
    async def view(
        self, db: AsyncSession, request: AnyRequest, gateway: PaymentGateway | None, code: str
    ) -> GroupPublic:
        group = await GroupService(db, gateway).by_code(code)
        return await group_public(db, group, request.app.state.settings.public_base_url)


async def _seat(
    db: AsyncSession,
    request: AnyRequest,
    gateway: PaymentGateway | None,
    group: Group,
    order: Order,
) -> GroupSeatPublic:
    seat = await OrderService(db, gateway).checkout_public(order)
    return GroupSeatPublic(
        group=await group_public(db, group, request.app.state.settings.public_base_url), **dict(seat)
    )
