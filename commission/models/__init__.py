"""Tables of the commission ledger: rules and policy, frozen order splits, the double-entry ledger,
settlement runs and payouts. Imported here so `server.metadata` sees every table."""

from __future__ import annotations

from commission.models.disputes import CommissionDispute, DisputePhase
from commission.models.ledger import JournalTransaction, LedgerAccount, LedgerEntry
from commission.models.ledger_totals import LedgerAccountTotal, LedgerDailyTotal
from commission.models.order_totals import OrderDailyTotal
from commission.models.orders import OrderCommission, RefundRecord
from commission.models.payouts import PartnerPayoutAccount, Payout, PayoutState, SettlementRun
from commission.models.plans import PlanKind, PlanVersion
from commission.models.rules import CommissionPolicy, CommissionRule, RuleKind
from commission.models.settlement_jobs import JobState, SettlementJob
from commission.models.statement_exports import StatementExport, StatementExportPart
from commission.models.transfers import StripeTransfer

__all__ = [
    "CommissionDispute",
    "CommissionPolicy",
    "CommissionRule",
    "DisputePhase",
    "JobState",
    "JournalTransaction",
    "LedgerAccount",
    "LedgerAccountTotal",
    "LedgerDailyTotal",
    "LedgerEntry",
    "OrderCommission",
    "OrderDailyTotal",
    "PartnerPayoutAccount",
    "Payout",
    "PayoutState",
    "PlanKind",
    "PlanVersion",
    "RefundRecord",
    "RuleKind",
    "SettlementJob",
    "SettlementRun",
    "StatementExport",
    "StatementExportPart",
    "StripeTransfer",
]
