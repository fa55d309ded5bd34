"""HTTP API of the commission ledger: thin controllers, each calling one service method."""

from __future__ import annotations

from typing import Any

from litestar import Controller, delete, get, post, put
from litestar.datastructures import State
from litestar.response import Stream
from sqlmodel.ext.asyncio.session import AsyncSession

from commission.connect import ConnectGateway
from commission.finance.schemas import SettlementJobPublic
from commission.finance_controllers import start_settlement
from commission.models import OrderCommission
from commission.reports.schemas import (
    BrandStatementPublic,
    BrandStatementSummaryPublic,
    OrderCommissionPublic,
    PartnerStatementPublic,
    PartnerStatementSummaryPublic,
    ReconciliationPublic,
    SettlementRunPublic,
    StatementLinePublic,
)
from commission.schemas import (
    PayoutAccountPublic,
    PayoutSettingsUpdate,
    PolicyPublic,
    PolicyUpdate,
    RuleCreate,
    RulePublic,
    SettlementCreate,
)
from commission.services.payout_accounts import PayoutAccountService
from commission.services.reports_service import ReportsService, period, stream_csv
from commission.services.rules_service import RulesService
from commission.services.statement_exports import ensure_direct
from commission.settlement.jobs import SettlementRunning
from server.kernel.pagination import DEFAULT_LIMIT, Page
from server.kernel.principal import Principal, Role
from server.kernel.problems import InvalidInput, NotFound, ServiceUnavailable
from server.kernel.routing import roles

BRAND_SIDE = roles(Role.ADMIN, Role.BRAND, Role.FINANCE)
BRAND_WRITE = roles(Role.ADMIN, Role.BRAND)
FINANCE = roles(Role.ADMIN, Role.FINANCE)
PARTNER_SIDE = roles(Role.ADMIN, Role.FINANCE, Role.PARTNER)
PAYEE = roles(Role.ADMIN, Role.PARTNER)
RUNS_PER_PAGE = 20
LINES_PER_PAGE = 200


class CommissionRulesController(Controller):
    path = "/api/v1/brands/{brand_id:str}"
    tags = ["commission"]

    @get("/commission-policy", opt=BRAND_SIDE)
    async def get_policy(self, brand_id: str, db: AsyncSession, principal: Principal) -> PolicyPublic:
        principal.ensure_brand(brand_id)
        return await RulesService(db).policy(brand_id)

    @put("/commission-policy", opt=BRAND_WRITE)
    async def set_policy(
        self, brand_id: str, data: PolicyUpdate, db: AsyncSession, principal: Principal
    ) -> PolicyPublic:
        principal.ensure_brand(brand_id)
        return await RulesService(db).set_policy(brand_id, data)

    @post("/commission-rules", opt=BRAND_WRITE)
    async def add_rule(self, brand_id: str, data: RuleCreate, db: AsyncSession, principal: Principal) -> RulePublic:
        principal.ensure_brand(brand_id)
        return RulePublic.model_validate(await RulesService(db).add_rule(brand_id, data))

    @get("/commission-rules", opt=BRAND_SIDE)
    async def list_rules(
        self,
        brand_id: str,
        db: AsyncSession,
        principal: Principal,
        cursor: str | None = None,
        limit: int = DEFAULT_LIMIT,
    ) -> Page[RulePublic]:
        principal.ensure_brand(brand_id)
        rows, nxt = await RulesService(db).list_rules(brand_id, cursor, limit)
        return Page(items=[RulePublic.model_validate(r) for r in rows], next_cursor=nxt)

    @delete("/commission-rules/{rule_id:str}", opt=BRAND_WRITE)
    async def delete_rule(self, brand_id: str, rule_id: str, db: AsyncSession, principal: Principal) -> None:
        principal.ensure_brand(brand_id)
        await RulesService(db).delete_rule(brand_id, rule_id)

    @get("/statement", opt=BRAND_SIDE)
    async def brand_statement(
        self, brand_id: str, db: AsyncSession, principal: Principal, since: str | None = None, until: str | None = None
    ) -> BrandStatementPublic:
        principal.ensure_brand(brand_id)
        return await ReportsService(db).brand_statement(brand_id, *period(since, until))

    @get("/statement/summary", opt=BRAND_SIDE)
    async def brand_statement_summary(
        self, brand_id: str, db: AsyncSession, principal: Principal, since: str | None = None, until: str | None = None
    ) -> BrandStatementSummaryPublic:
        principal.ensure_brand(brand_id)
        return await ReportsService(db).brand_summary(brand_id, *period(since, until))

    @get("/statement/lines", opt=BRAND_SIDE)
    async def brand_statement_lines(
        self,
        brand_id: str,
        db: AsyncSession,
        principal: Principal,
        since: str | None = None,
        until: str | None = None,
        cursor: str | None = None,
        limit: int = LINES_PER_PAGE,
    ) -> Page[StatementLinePublic]:
        principal.ensure_brand(brand_id)
        return await ReportsService(db).lines("brand", brand_id, *period(since, until), cursor, limit)

    @get("/statement.csv", opt=BRAND_SIDE, media_type="text/csv")
    async def brand_statement_csv(
        self,
        brand_id: str,
        db: AsyncSession,
        principal: Principal,
        state: State,
        since: str | None = None,
        until: str | None = None,
    ) -> Stream:
        principal.ensure_brand(brand_id)
        start, end = period(since, until)
        await ensure_direct(db, "brand", brand_id, start, end)  # larger: POST …/statement-exports
        return Stream(stream_csv(state.sessionmaker, "brand", brand_id, start, end), media_type="text/csv")


class OrderCommissionController(Controller):
    path = "/api/v1/orders/{order_id:str}/commission"
    tags = ["commission"]

    @get("/", opt=roles(Role.ADMIN, Role.BRAND, Role.FINANCE, Role.PARTNER))
    async def frozen_split(self, order_id: str, db: AsyncSession, principal: Principal) -> OrderCommissionPublic:
        order = await db.get(OrderCommission, order_id)
        if order is None:
            raise NotFound.of("order", order_id)
        if principal.role is Role.PARTNER:
            if principal.partner_id not in (order.partner_id, order.parent_partner_id):
                raise NotFound.of("order", order_id)
        else:
            principal.ensure_brand(order.brand_id, "order", order_id)
        return OrderCommissionPublic.model_validate(order, from_attributes=True)


class PartnerPayoutController(Controller):
    path = "/api/v1/partners/{partner_id:str}"
    tags = ["commission"]

    @get("/payout-account", opt=PARTNER_SIDE)
    async def get_account(self, partner_id: str, db: AsyncSession, principal: Principal) -> PayoutAccountPublic:
        principal.ensure_partner(partner_id)
        return await PayoutAccountService(db).get(partner_id)

    # Not finance: the answer is a URL where bank details are entered, for the partner alone.
    @post("/payout-account", opt=PAYEE)
    async def onboard(
        self, partner_id: str, db: AsyncSession, principal: Principal, state: State
    ) -> PayoutAccountPublic:
        principal.ensure_partner(partner_id)
        gateway = ConnectGateway(state.settings)
        return await PayoutAccountService(db).onboard(partner_id, gateway, state.settings.public_base_url)

    @put("/payout-settings", opt=FINANCE)
    async def settings(self, partner_id: str, data: PayoutSettingsUpdate, db: AsyncSession) -> PayoutAccountPublic:
        return await PayoutAccountService(db).update_settings(partner_id, data)

    @get("/statement", opt=PARTNER_SIDE)
    async def statement(
        self,
        partner_id: str,
        db: AsyncSession,
        principal: Principal,
        since: str | None = None,
        until: str | None = None,
    ) -> PartnerStatementPublic:
        principal.ensure_partner(partner_id)
        return await ReportsService(db).partner_statement(partner_id, *period(since, until))

    @get("/statement/summary", opt=PARTNER_SIDE)
    async def statement_summary(
        self,
        partner_id: str,
        db: AsyncSession,
        principal: Principal,
        since: str | None = None,
        until: str | None = None,
    ) -> PartnerStatementSummaryPublic:
        principal.ensure_partner(partner_id)
        return await ReportsService(db).partner_summary(partner_id, *period(since, until))

    @get("/statement/lines", opt=PARTNER_SIDE)
    async def statement_lines(
        self,
        partner_id: str,
        db: AsyncSession,
        principal: Principal,
        since: str | None = None,
        until: str | None = None,
        cursor: str | None = None,
        limit: int = LINES_PER_PAGE,
    ) -> Page[StatementLinePublic]:
        principal.ensure_partner(partner_id)
        return await ReportsService(db).lines("partner", partner_id, *period(since, until), cursor, limit)

    @get("/statement.csv", opt=PARTNER_SIDE, media_type="text/csv")
    async def statement_csv(
        self,
        partner_id: str,
        db: AsyncSession,
        principal: Principal,
        state: State,
        since: str | None = None,
        until: str | None = None,
    ) -> Stream:
        principal.ensure_partner(partner_id)
        start, end = period(since, until)
        await ensure_direct(db, "partner", partner_id, start, end)  # larger: POST …/statement-exports
        head, tail = await ReportsService(db).partner_statement_rows(partner_id, start, end)
        return Stream(
            stream_csv(state.sessionmaker, "partner", partner_id, start, end, head, tail), media_type="text/csv"
        )


class FinanceController(Controller):
    path = "/api/v1/finance"
    tags = ["finance"]

    @post(
        "/settlements",
        opt=FINANCE,
        status_code=202,
        raises=[InvalidInput, SettlementRunning, ServiceUnavailable],
        summary="Start a settlement in the background (the same as POST /settlement-jobs): the job to follow",
    )
    async def settle(self, data: SettlementCreate, state: State, principal: Principal) -> SettlementJobPublic:
        return await start_settlement(state, data, principal)

    @get("/settlements", opt=FINANCE)
    async def runs(
        self, db: AsyncSession, cursor: str | None = None, limit: int = RUNS_PER_PAGE
    ) -> Page[SettlementRunPublic]:
        return await ReportsService(db).runs(cursor, limit)

    @get("/reconciliation", opt=FINANCE)
    async def reconciliation(
        self, db: AsyncSession, state: State, since: str | None = None, until: str | None = None
    ) -> ReconciliationPublic:
        return await ReportsService(db).reconciliation(*period(since, until), _gateway(state))

    @get("/reconciliation.csv", opt=FINANCE, media_type="text/csv")
    async def reconciliation_csv(
        self, db: AsyncSession, state: State, since: str | None = None, until: str | None = None
    ) -> str:
        return await ReportsService(db).reconciliation_csv(*period(since, until), _gateway(state))


def _gateway(state: State) -> ConnectGateway | None:
    return ConnectGateway(state.settings) if state.settings.stripe_api_key else None


ROUTE_HANDLERS: list[Any] = [
    CommissionRulesController,
    OrderCommissionController,
    PartnerPayoutController,
    FinanceController,
]
