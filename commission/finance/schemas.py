"""Response shapes of the finance desk: settlement previews and jobs, partner balances with their
clawbacks, payouts with their transfers, and commission per day. Money is `*_minor: int` beside
its ISO `currency`; partners come with their names (`partner_names`: id → name)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from commission.reports.schemas import Money, PayoutLine, SkippedPayout


class PlannedPayoutLine(BaseModel):
    partner_id: str
    currency: str
    amount_minor: int
    stripe_account_id: str = Field(description="the Connect account the transfer goes to")


class SettlementPublic(BaseModel):
    """A settlement run's report: what it planned, paid, skipped (with why) and left in flight."""

    run_id: str
    as_of: str
    released_orders: int
    payouts: list[PayoutLine]
    skipped: list[SkippedPayout]
    still_in_flight: list[PayoutLine]
    planned: list[PlannedPayoutLine] = Field(default_factory=list)
    plan_fingerprint: str = ""


class SettlementPreviewPublic(BaseModel):
    """The plan a run would execute now (computed by the run's own code, then rolled back)."""

    as_of: datetime
    brand_id: str | None
    currency: str | None
    releasing_orders: int = Field(description="orders whose hold has ended: released first")
    payouts: list[PlannedPayoutLine]
    skipped: list[SkippedPayout]
    resends: list[PayoutLine] = Field(description="payouts an interrupted run left in flight: sent again")
    totals: list[Money] = Field(description="the new payouts' total per currency")
    fingerprint: str = Field(description="send it back as `expected_plan` to run exactly this plan")
    partner_names: dict[str, str]


class SettlementJobPublic(BaseModel):
    id: str
    state: str = Field(description="running | finished | incomplete | failed | interrupted")
    phase: str = Field(description="queued | releasing | planning | sending | finishing | done")
    as_of: str
    brand_id: str | None
    currency: str | None
    expected_plan: str | None
    progress_done: int = Field(description="transfers answered")
    progress_total: int = Field(description="transfers to send")
    run_id: str | None
    error: str | None
    result: SettlementPublic | None
    partner_names: dict[str, str]
    created_at: datetime
    heartbeat_at: datetime
    finished_at: datetime | None


class ClawbackCause(BaseModel):
    """A reversal that reached the partner's available balance after a payout had taken it."""

    reason: str = Field(description="commission_reversed | dispute_lost | pk_bonus_reversed")
    external_ref: str | None = Field(description="the refund (or dispute) id")
    order_id: str | None
    effective_at: datetime
    amount_minor: int = Field(description="taken from available (negative)")


class NegativeBalance(BaseModel):
    payout_id: str | None = Field(description="the last payout before the reversals (null: none)")
    transfer_id: str | None
    paid_amount_minor: int | None
    paid_at: datetime | None
    causes: list[ClawbackCause]


class PartnerBalancePublic(BaseModel):
    partner_id: str
    partner_name: str
    currency: str
    pending_minor: int
    available_minor: int
    in_flight_minor: int
    paid_minor: int
    disputed_minor: int
    negative: NegativeBalance | None = Field(description="why available is below zero (a clawback)")


class PayoutPublic(BaseModel):
    id: str
    run_id: str
    partner_id: str
    partner_name: str
    currency: str
    amount_minor: int
    state: str
    transfer_id: str | None
    destination: str = Field(description="the Stripe Connect account paid")
    failure_reason: str | None
    created_at: datetime
    settled_at: datetime | None


class DailyCommission(BaseModel):
    day: str = Field(description="YYYY-MM-DD (UTC)")
    currency: str
    accrued_minor: int
    reversed_minor: int = Field(description="refunds and lost disputes, as a positive amount")
    paid_minor: int


class DailyCommissionPublic(BaseModel):
    since: str
    until: str
    days: list[DailyCommission]
