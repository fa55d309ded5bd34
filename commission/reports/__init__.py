"""Statements and reconciliation, computed from ledger entries (and, to check them, from the
frozen order splits, refunds, payouts and Stripe's own list of transfers)."""
