"""HTTP API of commission plans: brands publish plans and versions; a partner reads its own."""

from __future__ import annotations

from litestar import Controller, get, post
from sqlmodel.ext.asyncio.session import AsyncSession

from commission.controllers import BRAND_SIDE, BRAND_WRITE, PARTNER_SIDE
from commission.models import PlanVersion
from commission.plan_rates import plan_source
from commission.plan_schemas import PlanCreate, PlanVersionCreate, PlanVersionPublic
from commission.services.plans_service import PlansService
from server.kernel.pagination import Page
from server.kernel.principal import Principal


def public(version: PlanVersion) -> PlanVersionPublic:
    return PlanVersionPublic.model_validate({**version.model_dump(), "source": plan_source(version)})


class PlansController(Controller):
    path = "/api/v1/brands/{brand_id:str}/plans"
    tags = ["commission"]

    @get("/", opt=BRAND_SIDE)
    async def list_versions(self, brand_id: str, db: AsyncSession, principal: Principal) -> Page[PlanVersionPublic]:
        """Every version of every plan, in one page (a brand has tens of plans, not thousands)."""
        principal.ensure_brand(brand_id)
        return Page(items=[public(v) for v in await PlansService(db).versions(brand_id)])

    @post("/", opt=BRAND_WRITE)
    async def create_plan(
        self, brand_id: str, data: PlanCreate, db: AsyncSession, principal: Principal
    ) -> PlanVersionPublic:
        principal.ensure_brand(brand_id)
        return public(await PlansService(db).create(brand_id, data))

    @post("/{plan_id:str}/versions", opt=BRAND_WRITE)
    async def publish_version(
        self, brand_id: str, plan_id: str, data: PlanVersionCreate, db: AsyncSession, principal: Principal
    ) -> PlanVersionPublic:
        principal.ensure_brand(brand_id)
        return public(await PlansService(db).publish(brand_id, plan_id, data))


class PartnerPlansController(Controller):
    path = "/api/v1/partners/{partner_id:str}/plans"
    tags = ["commission"]

    @get("/", opt=PARTNER_SIDE)
    async def partner_plans(self, partner_id: str, db: AsyncSession, principal: Principal) -> Page[PlanVersionPublic]:
        """The plans paying this partner now, and any version scheduled to replace them (one page)."""
        principal.ensure_partner(partner_id)
        return Page(items=[public(v) for v in await PlansService(db).for_partner(partner_id)])
