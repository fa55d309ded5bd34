"""Settlement: release matured commission, plan one payout per partner, send Stripe transfers.

Crash-safe by construction: a payout row and its `payout_initiated` entries (available →
in_flight) are committed *before* Stripe is called, with the payout id as Stripe's idempotency
key; anything left in flight is sent again by the next run and Stripe answers with the transfer it
already made. Concurrency-safe: planning takes a PostgreSQL advisory lock, a partial unique index
allows one in-flight payout per partner and currency, and a payout is recorded as paid only by a
conditional UPDATE from in_flight (so two runs sending the same payout record it once).

What a run will pay is decided by one function, `plan.decide`: the preview (`preview.py`) calls it
after the run's own release inside a transaction it rolls back, and the run calls it under the
lock, refusing to go on (`PlanChanged`) when finance confirmed a different plan. From the API a run
is a background job (`jobs.py`, `job_runner.py`): the request claims the one running slot and
returns; the guarantees above are the run's, wherever it runs."""

from __future__ import annotations

from commission.settlement.plan import Decision, PlanChanged, SettleRequest, decide, validate_request
from commission.settlement.run import SettlementReport, settle

__all__ = ["Decision", "PlanChanged", "SettleRequest", "SettlementReport", "decide", "settle", "validate_request"]
