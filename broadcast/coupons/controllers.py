"""HTTP: the brand's coupons (tokens, tenant-checked), drops into its live sessions, and the
viewers' side (public, keyed by the visitor cookie). Thin: one service call each."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.coupons.claims import ClaimService
from broadcast.coupons.definitions import CouponService
from broadcast.coupons.drops import DropService
from broadcast.coupons.schemas import (
    ClaimPublic,
    CouponCreate,
    CouponDropCreate,
    CouponDropPublic,
    CouponPublic,
    MyClaimPublic,
    RoomCouponPublic,
)
from broadcast.coupons.wallet import CART_LINES_STATE, WalletService
from server.kernel.cookies import VISITOR_COOKIE, respond, visitor_id
from server.kernel.pagination import DEFAULT_LIMIT, Page
from server.kernel.principal import Principal, Role
from server.kernel.routing import PUBLIC, roles

A, B, F = Role.ADMIN, Role.BRAND, Role.FINANCE
AnyRequest = Request[Any, Any, Any]


class CouponController(Controller):
    path = "/api/v1"
    tags = ["coupons (brands)"]

    @post("/brands/{brand_id:str}/coupons", opt=roles(A, B), summary="Define a coupon")
    async def create(self, db: AsyncSession, principal: Principal, brand_id: str, data: CouponCreate) -> CouponPublic:
        service = CouponService(db)
        return await service.public(await service.create(principal, brand_id, data))

    @get("/brands/{brand_id:str}/coupons", opt=roles(A, B, F), summary="A brand's coupons")
    async def list_coupons(
        self,
        db: AsyncSession,
        principal: Principal,
        brand_id: str,
        cursor: str | None = None,
        limit: int = DEFAULT_LIMIT,
    ) -> Page[CouponPublic]:
        service = CouponService(db)
        rows, nxt = await service.list(principal, brand_id, cursor, limit)
        return Page(items=await service.publics(rows), next_cursor=nxt)

    @get("/coupons/{coupon_id:str}", opt=roles(A, B, F), summary="A coupon with its claimed and used counts")
    async def get_coupon(self, db: AsyncSession, principal: Principal, coupon_id: str) -> CouponPublic:
        service = CouponService(db)
        return await service.public(await service.get(principal, coupon_id))

    @post(
        "/coupons/{coupon_id:str}/deactivate",
        opt=roles(A, B),
        status_code=200,
        summary="Stop new claims and new use at checkout",
    )
    async def deactivate(self, db: AsyncSession, principal: Principal, coupon_id: str) -> CouponPublic:
        service = CouponService(db)
        return await service.public(await service.deactivate(principal, coupon_id))

    @post("/sessions/{session_id:str}/coupon-drops", opt=roles(A, B), summary="Drop a coupon into the live room")
    async def drop(
        self, db: AsyncSession, principal: Principal, session_id: str, data: CouponDropCreate
    ) -> CouponDropPublic:
        return CouponDropPublic.model_validate(await DropService(db).drop(principal, session_id, data.coupon_id))


class RoomCouponController(Controller):
    path = "/api/v1/sessions/{session_id:str}"
    tags = ["coupons (viewers)"]

    @get("/coupons", opt=PUBLIC, summary="Coupons dropped in this session, with what this visitor claimed")
    async def room(self, db: AsyncSession, request: AnyRequest, session_id: str) -> Page[RoomCouponPublic]:
        return Page(items=await DropService(db).room(session_id, request.cookies.get(VISITOR_COOKIE)))

    @post("/coupons/{coupon_id:str}/claims", opt=PUBLIC, summary="Claim a dropped coupon (visitor cookie)")
    async def claim(
        self, db: AsyncSession, request: AnyRequest, session_id: str, coupon_id: str
    ) -> Response[ClaimPublic]:
        vid, new = visitor_id(request)
        claim, remaining = await ClaimService(db).claim(session_id, coupon_id, vid)
        body = ClaimPublic.model_validate(claim).model_copy(update={"remaining": remaining})
        return respond(body, vid, new, status_code=201)

    @get("/coupon-claims", opt=PUBLIC, summary="The visitor's usable claims and their discount on the cart")
    async def mine(self, db: AsyncSession, request: AnyRequest, session_id: str) -> Response[Page[MyClaimPublic]]:
        vid, new = visitor_id(request)
        wallet = WalletService(db, getattr(request.app.state, CART_LINES_STATE))
        return respond(Page(items=await wallet.mine(session_id, vid)), vid, new)
