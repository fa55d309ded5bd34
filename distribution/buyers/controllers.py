"""`/api/v1/brands/{brand_id}/segments`: a brand's buyer segments, each with its live count, and a
count for rules being edited (`POST …/count`). A brand sees only its own (another's is 404)."""

from __future__ import annotations

from litestar import Controller, get, post
from sqlmodel.ext.asyncio.session import AsyncSession

from distribution.buyers import segments
from distribution.buyers.segment_rules import SegmentRules
from distribution.buyers.segment_schemas import SegmentCount, SegmentCreate, SegmentPublic
from server.kernel.clock import utcnow
from server.kernel.pagination import Page
from server.kernel.principal import Principal, Role
from server.kernel.routing import roles

BRAND_ROLES = roles(Role.ADMIN, Role.BRAND)


class SegmentController(Controller):
    path = "/api/v1/brands/{brand_id:str}/segments"
    tags = ["buyers"]

    @post("/", opt=BRAND_ROLES, summary="Define a segment of the brand's buyers (422 for rules that cannot match)")
    async def create(self, db: AsyncSession, principal: Principal, brand_id: str, data: SegmentCreate) -> SegmentPublic:
        principal.ensure_brand(brand_id)
        return await segments.create(db, brand_id, data, utcnow())

    @get("/", opt=BRAND_ROLES, summary="The brand's segments, each with its count now")
    async def list_segments(self, db: AsyncSession, principal: Principal, brand_id: str) -> Page[SegmentPublic]:
        principal.ensure_brand(brand_id)
        return Page(items=await segments.listed(db, brand_id, utcnow()))

    @post("/count", opt=BRAND_ROLES, status_code=200, summary="How many buyers these rules match now (live, unsaved)")
    async def count(self, db: AsyncSession, principal: Principal, brand_id: str, data: SegmentRules) -> SegmentCount:
        principal.ensure_brand(brand_id)
        return await segments.count(db, brand_id, data, utcnow())
