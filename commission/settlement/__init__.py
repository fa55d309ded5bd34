"""Settlement: release matured commission, plan one payout per partner, send Stripe transfers.

Crash-safe by construction: a payout row and its `payout_initiated` entries (available →
in_flight) are committed *before* Stripe is called, with the payout id as Stripe's idempotency
key; anything left in flight is sent again by the next run and Stripe answers with the transfer it
already made. Concurrency-safe: planning takes a PostgreSQL advisory lock, a partial unique index
allows one in-flight payout per partner and currency, and a payout is recorded as paid only by a
conditional UPDATE from in_flight (so two runs sending the same payout record it once)."""

from __future__ import annotations

from commission.settlement.plan import SettleRequest, validate_request
from commission.settlement.run import SettlementReport, settle

__all__ = ["SettleRequest", "SettlementReport", "settle", "validate_request"]
