"""How much of each party's share a refund reverses: the cumulative refunded amount decides each
party's cumulative reversal (`splits.proportional`), and a refund takes the difference from what
was reversed before. One function for both the refund itself and the brand's preview of it, so
the preview is what the refund then posts."""

from __future__ import annotations

from dataclasses import dataclass

from commission.models import OrderCommission
from commission.splits import proportional

PARTIES = ("partner", "parent", "fee")


@dataclass(frozen=True)
class ReversalShares:
    amount_minor: int  # the part of the refund the order can still take (the rest exceeds it)
    partner_minor: int
    parent_minor: int
    fee_minor: int

    def as_deltas(self) -> dict[str, int]:
        return {"partner": self.partner_minor, "parent": self.parent_minor, "fee": self.fee_minor}


def _share(order: OrderCommission, party: str) -> int:
    return int(getattr(order, "platform_fee_minor" if party == "fee" else f"{party}_minor"))


def reversal_shares(order: OrderCommission, refund_minor: int) -> ReversalShares:
    amount = max(0, min(refund_minor, order.amount_minor - order.refunded_minor))
    cumulative = order.refunded_minor + amount
    deltas = {
        party: proportional(_share(order, party), cumulative, order.amount_minor)
        - int(getattr(order, f"{party}_reversed_minor"))
        for party in PARTIES
    }
    return ReversalShares(amount, deltas["partner"], deltas["parent"], deltas["fee"])
