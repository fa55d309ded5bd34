"""What the partner's console reads of its earnings: the ledger's balances per currency, the
clawback it owes and why, when it is paid next, and its payouts. Money is `*_minor` with the row's
ISO `currency`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field


class ClawbackCause(BaseModel):
    """A reversal taken from *available* after a payout had already sent that money."""

    transaction_id: str
    reason: str = Field(description="commission_reversed (a refund), dispute_lost, pk_bonus_reversed")
    refund_id: str | None = Field(description="the refund (or dispute) the reversal is for")
    order_id: str | None
    amount_minor: int = Field(description="taken from available (negative)")
    effective_at: datetime
    after_payout_id: str = Field(description="the payout that had already paid this commission out")
    after_transfer_id: str | None
    after_paid_at: datetime | None


class EarningsCurrency(BaseModel):
    currency: str
    pending_minor: int = Field(description="accrued, inside the brand's hold period")
    available_minor: int = Field(description="may be paid out; negative after a clawback")
    in_flight_minor: int = Field(description="a transfer has been requested")
    paid_minor: int = Field(description="transferred, all time")
    disputed_minor: int = Field(description="frozen by open disputes")
    owed_minor: int = Field(description="pending + available + in flight + disputed: what is still owed to you")
    clawback_minor: int = Field(description="what you owe back (−available when negative), netted from next payouts")
    clawback_causes: list[ClawbackCause]
    next_release_at: datetime | None = Field(description="when the next pending commission becomes available")
    next_payout_blocked: str | None = Field(
        description="why the next settlement would not pay this currency (the settlement's own skip reason), or null"
    )
    next_payout_blocked_code: Literal["in_flight", "negative", "below_minimum", "no_account"] | None = Field(
        default=None, description="the same reason as a stable code"
    )


class PayoutPublic(BaseModel):
    id: str
    run_id: str
    currency: str
    amount_minor: int
    state: str = Field(description="in_flight | paid | failed")
    transfer_id: str | None = Field(description="Stripe's transfer id: the reference on your bank's side")
    failure_reason: str | None
    created_at: datetime
    settled_at: datetime | None


class EarningsPublic(BaseModel):
    partner_id: str
    as_of: datetime
    currencies: list[EarningsCurrency]
    minimum_payout_minor: int
    payout_account_connected: bool
    next_payout_on: date = Field(description="the next settlement day (finance settles weekly on PAYOUT_WEEKDAY)")
    payouts: list[PayoutPublic] = Field(description="newest first, the last 50")
