"""Ledger totals kept as entries are posted (per account, UTC day and reason; running per account
and reason), the period sums read from them, and their check against the entries."""

from __future__ import annotations

from commission.totals.check import TotalsDifference, check_totals, rebuild_totals
from commission.totals.posting import add_totals, pg_total_arrays
from commission.totals.reading import FlowKey, account_balances, flows

__all__ = [
    "FlowKey",
    "TotalsDifference",
    "account_balances",
    "add_totals",
    "check_totals",
    "flows",
    "pg_total_arrays",
    "rebuild_totals",
]
