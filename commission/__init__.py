"""The commission ledger: rules and splits, double-entry accrual, holds, reversals, settlement,
Stripe Connect payouts, statements and reconciliation."""
