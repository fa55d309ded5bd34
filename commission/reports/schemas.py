"""Response shapes of statements, reconciliation, settlement runs and frozen splits, so the OpenAPI
document describes what finance reads. Money is `*_minor: int` with the row's ISO `currency`; the
JSON is the one the report functions build (the finance page and the CSV exports read the same keys)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from server.kernel.decimals import OptionalDecimalNumber


class Money(BaseModel):
    currency: str = Field(description="ISO 4217, upper case")
    amount_minor: int


class Balances(BaseModel):
    """A partner's accounts in one currency, minor units (`in_flight`: transfers requested, not yet sent)."""

    pending: int
    available: int
    in_flight: int
    paid: int
    disputed: int = 0  # frozen by open disputes: owed, but never paid out while they last


class StatementLinePublic(BaseModel):
    """One ledger entry of the owner in the period (the CSV export's row)."""

    effective_at: str
    transaction_id: str
    reason: str
    external_ref: str | None
    account: str
    currency: str
    amount_minor: int
    release_on: str | None = Field(
        default=None,
        description="accruals only: days (released at releases_at) | completion (when the order completes)",
    )
    releases_at: str | None = Field(
        default=None, description="accruals only: when it is due for release; null while a completion order is open"
    )
    completed_at: str | None = Field(default=None, description="accruals only: when the order completed, if it has")


class PartnerStatementCurrency(BaseModel):
    currency: str
    opening_owed_minor: int = Field(description="pending + available + in_flight + disputed at `since`")
    opening: Balances
    accrued_minor: int
    released_minor: int
    reversed_minor: int
    disputed_minor: int = Field(default=0, description="frozen by disputes opened in the period (shown, not added)")
    pk_bonus_minor: int
    pk_bonus_reversed_minor: int
    payouts_initiated_minor: int
    payouts_failed_minor: int
    paid_out_minor: int
    closing: Balances
    closing_owed_minor: int
    ties_out: bool = Field(description="closing owed = opening + accrued − reversed + PK bonuses − paid out")


class PartnerStatementPublic(BaseModel):
    partner_id: str
    since: str
    until: str
    currencies: list[PartnerStatementCurrency]
    lines: list[StatementLinePublic]


class PartnerStatementSummaryPublic(BaseModel):
    """The statement without its lines (`/statement/lines` pages them by cursor)."""

    partner_id: str
    since: str
    until: str
    currencies: list[PartnerStatementCurrency]


class BrandStatementCurrency(BaseModel):
    currency: str
    gross_sales_minor: int
    refunds_minor: int
    disputes_lost_minor: int = Field(default=0, description="lost disputes (chargebacks), like refunds")
    commissions_and_fees_minor: int
    net_minor: int
    dispute_fees_minor: int = Field(default=0, description="Stripe's dispute fees, out of the brand's net")
    pk_bonuses_minor: int = Field(description="prizes the brand paid to partners")
    net_after_pk_bonuses_minor: int


class BrandStatementPublic(BaseModel):
    brand_id: str
    since: str
    until: str
    currencies: list[BrandStatementCurrency]
    lines: list[StatementLinePublic]


class BrandStatementSummaryPublic(BaseModel):
    """The statement without its lines (`/statement/lines` pages them by cursor)."""

    brand_id: str
    since: str
    until: str
    currencies: list[BrandStatementCurrency]


class OrdersCheck(BaseModel):
    """Paid orders less refunds = brand net + commissions + platform fee, per currency."""

    currency: str
    paid_orders_minor: int
    refunds_minor: int
    disputes_lost_minor: int = Field(default=0, description="lost disputes: reversed like refunds")
    brand_net_minor: int
    commissions_minor: int
    platform_fee_minor: int


class CommissionCheck(BaseModel):
    """Accrued − reversed + PK bonuses = pending + available + in_flight + paid, and both agree with the
    frozen order splits and competition prizes, per currency."""

    currency: str
    accrued_minor: int
    reversed_minor: int
    pk_bonus_minor: int
    pk_bonus_reversed_minor: int
    pending_minor: int
    available_minor: int
    in_flight_minor: int
    paid_minor: int
    disputed_minor: int = Field(default=0, description="frozen by open disputes")
    frozen_splits_minor: int
    frozen_pk_prizes_minor: int


class PayoutsCheck(BaseModel):
    """Paid payouts of the period against Stripe's transfers (`transfers` null: Stripe not configured)."""

    payouts: int
    transfers: int | None
    matched: int
    in_flight: int | None = None
    paid: list[Money] | None = Field(default=None, description="paid payouts of the period, per currency")
    transfers_as_of: str | None = Field(
        default=None, description="when the local copy of Stripe's transfers was synced"
    )


class Mismatch(BaseModel):
    section: str
    reason: str
    currency: str | None = None
    payout_id: str | None = None
    transfer_id: str | None = None
    # section "refunds": the order and refund Stripe reported differently
    order_id: str | None = None
    refund_id: str | None = None
    stripe_refund_id: str | None = None
    dispute_id: str | None = None


class DisputesCheck(BaseModel):
    """Dispute records against the ledger, per currency: amounts lost and Stripe's fees in the period,
    and the commission frozen by open disputes at `until` against the partners' *disputed* balance."""

    currency: str
    disputes_lost_minor: int
    ledger_disputes_lost_minor: int
    dispute_fees_minor: int
    ledger_dispute_fees_minor: int
    frozen_minor: int
    ledger_disputed_minor: int
    open_disputes: int


class ReconciliationPublic(BaseModel):
    since: str
    until: str
    as_of: str | None = Field(default=None, description="when the report was taken (the ledger's totals then)")
    orders: list[OrdersCheck]
    commission: list[CommissionCheck]
    payouts: PayoutsCheck
    disputes: list[DisputesCheck] = Field(default_factory=list)
    mismatches: list[Mismatch]
    ok: bool


class PayoutLine(BaseModel):
    payout_id: str
    partner_id: str
    currency: str
    amount_minor: int
    run_id: str
    transfer_id: str | None = None
    failure_reason: str | None = None
    error: str | None = None


class SkippedPayout(BaseModel):
    partner_id: str
    currency: str
    available_minor: int
    reason: str
    reason_code: str = Field(
        default="", description="in_flight | negative_balance | nothing_due | below_minimum | no_payout_account"
    )
    minimum_payout_minor: int | None = None


class SettlementRunSummary(BaseModel):
    released_orders: int = 0
    payouts: int = 0
    skipped: list[SkippedPayout] = Field(default_factory=list)
    still_in_flight: int = 0


class SettlementRunPublic(BaseModel):
    id: str
    as_of: datetime
    brand_id: str | None
    state: str
    summary: SettlementRunSummary
    started_at: datetime
    finished_at: datetime | None


class SplitLinePublic(BaseModel):
    """One share of the split, in the order's currency."""

    party: str = Field(description="partner | parent | platform | brand")
    owner_id: str
    sku_id: str | None
    base_minor: int
    rate_bps: OptionalDecimalNumber
    amount_minor: int
    rule: str


class OrderCommissionPublic(BaseModel):
    """The split frozen when the order was paid, and what refunds have reversed of it since."""

    order_id: str
    brand_id: str
    session_id: str | None
    currency: str
    amount_minor: int
    partner_id: str | None
    parent_partner_id: str | None
    partner_minor: int
    parent_minor: int
    platform_fee_minor: int
    brand_net_minor: int
    split_lines: list[SplitLinePublic]
    no_commission_reason: str | None
    paid_at: datetime
    hold_until: datetime
    release_on: str = Field(
        default="days", description="days: released at hold_until; completion: when the order completes"
    )
    completed_at: datetime | None = None
    released_at: datetime | None
    release_batch: str | None
    refunded_minor: int
    partner_reversed_minor: int
    parent_reversed_minor: int
    fee_reversed_minor: int
    created_at: datetime
