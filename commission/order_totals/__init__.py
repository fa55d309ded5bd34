"""Order-side totals kept as orders are frozen, reversed and refunded (per UTC day and currency),
the reconciliation's period sums read from them, and their check against the records."""

from __future__ import annotations

from commission.order_totals.check import check_order_totals, rebuild_order_totals
from commission.order_totals.posting import order_reversed, orders_paid
from commission.order_totals.reading import order_sums

__all__ = ["check_order_totals", "order_reversed", "order_sums", "orders_paid", "rebuild_order_totals"]
