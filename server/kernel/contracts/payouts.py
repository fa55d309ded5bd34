"""Events of a settlement run's payouts to partners."""

from __future__ import annotations

from server.kernel.contracts.base import Event, Instant


class PayoutEvent(Event):
    EMITTED_BY = "commission (settlement)"
    payout_id: str
    partner_id: str
    run_id: str
    currency: str
    amount_minor: int
    transfer_id: str | None
    failure_reason: str | None
    at: Instant


class PayoutSent(PayoutEvent):
    """The transfer to the partner's connected account was made (failure_reason is null)."""

    TOPIC = "PayoutSent"


class PayoutFailed(PayoutEvent):
    """The transfer was refused (transfer_id is null); the money is back in the partner's available
    balance."""

    TOPIC = "PayoutFailed"
