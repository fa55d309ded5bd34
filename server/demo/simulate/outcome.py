"""What the simulated sale did (the driven truth) and what the server reported back."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class LinkShare:
    partner_name: str
    partner_id: str
    parent_id: str | None
    link_id: str
    code: str


@dataclass
class OrderMade:
    order_id: str
    code: str | None  # the link the buyer came through (None: direct)
    amount_minor: int
    currency: str
    state: str = "pending"
    refunded_minor: int = 0
    disputed_lost_minor: int = 0  # a dispute the brand lost took this much back (server/demo/simulate/disputes.py)
    visitor_id: str | None = None  # the buyer's cookie: their order page, receipt and after-sales
    fulfilment: str = "unshipped"


@dataclass
class LinkDriven:
    clicks: int = 0
    likes: int = 0
    cart_adds: int = 0
    comments: int = 0


@dataclass
class SaleOutcome:
    session_id: str = ""
    brand_id: str = ""
    payments_enabled: bool = True
    links: dict[str, LinkShare] = field(default_factory=dict)  # code → share
    driven: dict[str, LinkDriven] = field(default_factory=dict)  # code ("" = direct) → what viewers did
    orders: list[OrderMade] = field(default_factory=list)
    pins: int = 0
    clawed_back: OrderMade | None = None  # refunded after the payout
    returned: OrderMade | None = None  # the one order a buyer returned a unit of (after-sales)
    disputes: list[tuple[str, str]] = field(default_factory=list)  # (order id, webhook outcome): one lost, one won
    errors: list[str] = field(default_factory=list)
    # the brand's demo webhook receiver (server/demo/simulate/receiver.py): events heard by type, and
    # anything wrong with them (empty when every signature verified and each order came in order)
    webhooks_heard: dict[str, int] = field(default_factory=dict)
    webhook_problems: list[str] = field(default_factory=list)
    settlement: dict[str, Any] = field(default_factory=dict)
    reconciliation: dict[str, Any] = field(default_factory=dict)
    funnel: dict[str, Any] = field(default_factory=dict)  # the brand's partner funnel at the end
    funnel_full_room: dict[str, Any] = field(default_factory=dict)  # read while every viewer was in (hold_room)

    def drove(self, code: str | None) -> LinkDriven:
        return self.driven.setdefault(code or "", LinkDriven())

    @property
    def paid(self) -> list[OrderMade]:
        return [o for o in self.orders if o.state in ("paid", "refunded", "partially_refunded")]
