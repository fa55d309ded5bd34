"""The filters of a brand's order list: session, state, a creation-time range, and the earning
partner. Who earned an order is the distribution end's decision, which checkout may not import:
the distribution end lends a query of a partner's order ids through `app.state`
(`PARTNER_ORDERS_STATE`), and the list uses it as a sub-query, so a page is still one statement."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import col

from broadcast.checkout.models import Order, OrderState
from server.kernel.clock import as_utc
from server.kernel.problems import InvalidInput

PARTNER_ORDERS_STATE = "partner_order_ids"
# (brand_id, partner_id) -> a SELECT of the ids of that brand's orders that partner earned
PartnerOrders = Callable[[str, str], Any]


@dataclass(frozen=True)
class OrderFilters:
    session_id: str | None = None
    state: str | None = None
    partner_id: str | None = None
    created_from: datetime | None = None
    created_until: datetime | None = None

    def check(self) -> OrderFilters:
        if self.state is not None and self.state not in {s.value for s in OrderState}:
            raise _bad("state", f"state must be one of {', '.join(s.value for s in OrderState)}")
        if self.created_from and self.created_until and as_utc(self.created_from) > as_utc(self.created_until):
            raise _bad("created_until", "the end of the range is before its start")
        return self


def _bad(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, extra={"errors": [{"field": field, "message": message}]})


def filtered(stmt: Any, brand_id: str, filters: OrderFilters, partner_orders: PartnerOrders | None) -> Any:
    """`stmt` narrowed by every filter given; each is a plain WHERE on `orders` (or an `IN` sub-query)."""
    if filters.session_id:
        stmt = stmt.where(Order.session_id == filters.session_id)
    if filters.state:
        stmt = stmt.where(Order.state == filters.state)
    if filters.created_from:
        stmt = stmt.where(col(Order.created_at) >= as_utc(filters.created_from))
    if filters.created_until:
        stmt = stmt.where(col(Order.created_at) < as_utc(filters.created_until))
    if filters.partner_id:
        if partner_orders is None:
            raise _bad("partner_id", "filtering by partner is not available on this server")
        stmt = stmt.where(col(Order.id).in_(partner_orders(brand_id, filters.partner_id)))
    return stmt
