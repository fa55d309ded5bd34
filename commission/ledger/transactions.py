"""A journal transaction before it is posted: why money moved, its legs, and the check that they
sum to zero per currency."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from commission.ledger.accounts import AccountKey


class Reason(StrEnum):
    ACCRUED = "commission_accrued"
    RELEASED = "commission_released"
    REVERSED = "commission_reversed"
    PAYOUT_INITIATED = "payout_initiated"
    PAYOUT_SENT = "payout_sent"
    PAYOUT_FAILED = "payout_failed"
    PK_BONUS = "pk_bonus"  # a PK competition's prize: brand net → partner available
    PK_BONUS_REVERSED = "pk_bonus_reversed"  # adjust_bonus: a refund after the close lowered the prize
    # disputes (commission/disputes.py): pending/available ⇄ disputed, then a lost one is reversed
    DISPUTE_HELD = "dispute_held"
    DISPUTE_RELEASED = "dispute_released"  # won (or an inquiry closed): back where it was held from
    DISPUTE_LOST = "dispute_lost"  # reversed like a refund; the brand's net bears the disputed amount
    DISPUTE_FEE = "dispute_fee"  # Stripe's dispute fee, out of the brand's net


class LedgerImbalance(ValueError):
    """A transaction whose entries do not sum to zero in some currency (a programming error)."""


@dataclass
class Posting:
    idempotency_key: str
    reason: Reason
    effective_at: datetime
    external_ref: str | None = None
    brand_id: str | None = None
    memo: dict[str, Any] = field(default_factory=dict)
    legs: list[tuple[AccountKey, int]] = field(default_factory=list)

    def add(self, key: AccountKey, amount_minor: int) -> None:
        if amount_minor:
            self.legs.append((key, amount_minor))


def check_balanced(legs: Iterable[tuple[AccountKey, int]]) -> None:
    totals: dict[str, int] = defaultdict(int)
    for key, amount in legs:
        if not isinstance(amount, int) or isinstance(amount, bool):
            raise LedgerImbalance(f"amount {amount!r} is not an int of minor units")
        totals[key.currency] += amount
    unbalanced = {c: t for c, t in totals.items() if t != 0}
    if unbalanced:
        raise LedgerImbalance(f"transaction does not sum to zero: {unbalanced}")
