"""Everything the commission ledger mounts on the app."""

from __future__ import annotations

from typing import Any

from commission import controllers, dispute_controllers, export_controllers, finance_controllers
from commission.accrual import on_order_paid
from commission.completion import on_order_completed
from commission.earnings_controller import ROUTE_HANDLERS as EARNINGS_ROUTES
from commission.order_ledger_controller import OrderLedgerController
from commission.pk_bonus import on_competition_bonus_adjusted, on_competition_closed
from commission.plan_controllers import PartnerPlansController, PlansController
from commission.preview import CommissionPreviewController
from commission.refund_failures import on_order_refund_failed
from commission.refunds import on_order_refunded
from commission.services.statement_exports import statement_exports_lifespan
from commission.settlement.job_runner import settlement_jobs_lifespan

ROUTE_HANDLERS: list[Any] = [
    *controllers.ROUTE_HANDLERS,
    *finance_controllers.ROUTE_HANDLERS,
    *dispute_controllers.ROUTE_HANDLERS,
    *export_controllers.ROUTE_HANDLERS,
    OrderLedgerController,
    CommissionPreviewController,
    PlansController,
    PartnerPlansController,
]
LIFESPANS: list[Any] = [settlement_jobs_lifespan, statement_exports_lifespan]
EVENT_HANDLERS: dict[str, list[Any]] = {
    "OrderPaid": [on_order_paid],
    "OrderRefunded": [on_order_refunded],
    "OrderRefundFailed": [on_order_refund_failed],
    "OrderCompleted": [on_order_completed],
    "CompetitionClosed": [on_competition_closed],
    "CompetitionBonusAdjusted": [on_competition_bonus_adjusted],
}
# The partner console's earnings (GET /api/v1/partners/{id}/earnings).
ROUTE_HANDLERS += EARNINGS_ROUTES
