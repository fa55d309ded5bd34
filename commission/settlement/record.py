"""Recording transfer outcomes: paid (in_flight → paid) or failed (in_flight → available).

Each payout leaves the in_flight state through one conditional UPDATE; only the caller whose
UPDATE matched posts the ledger entries, so a payout sent by two overlapping runs is booked once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from commission import ledger
from commission.connect import TransferOutcome
from commission.ledger import Kind, Posting, Reason
from commission.models import Payout, PayoutState
from server.kernel.clock import utcnow
from server.kernel.outbox import emit


async def record_outcomes(maker: async_sessionmaker[AsyncSession], payouts: Mapping[str, Payout],
                          outcomes: Sequence[TransferOutcome]) -> None:
    decided = [o for o in outcomes if o.transfer_id or o.refused]
    if not decided:
        return
    async with maker() as session:
        postings = []
        for outcome in decided:
            payout = payouts[outcome.payout_id]
            if await _leave_in_flight(session, outcome):
                postings.append(_posting(payout, outcome))
                _announce(session, payout, outcome)
        await ledger.post_many(session, postings)
        await session.commit()


async def _leave_in_flight(session: AsyncSession, outcome: TransferOutcome) -> bool:
    state = PayoutState.PAID if outcome.transfer_id else PayoutState.FAILED
    result = await session.execute(
        sa.update(Payout).where(col(Payout.id) == outcome.payout_id, col(Payout.state) == PayoutState.IN_FLIGHT)
        .values(state=state, transfer_id=outcome.transfer_id, failure_reason=outcome.refused, settled_at=utcnow())
        .execution_options(synchronize_session=False))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def _posting(payout: Payout, outcome: TransferOutcome) -> Posting:
    sent = outcome.transfer_id is not None
    reason = Reason.PAYOUT_SENT if sent else Reason.PAYOUT_FAILED
    posting = Posting(f"{reason.value}:{payout.id}", reason, utcnow(), external_ref=payout.id,
                      memo={"transfer_id": outcome.transfer_id} if sent else {"failure_reason": outcome.refused})
    posting.add(ledger.partner_key(payout.partner_id, Kind.IN_FLIGHT, payout.currency), -payout.amount_minor)
    target = Kind.PAID if sent else Kind.AVAILABLE
    posting.add(ledger.partner_key(payout.partner_id, target, payout.currency), payout.amount_minor)
    return posting


def _announce(session: AsyncSession, payout: Payout, outcome: TransferOutcome) -> None:
    topic = "PayoutSent" if outcome.transfer_id else "PayoutFailed"
    emit(session, topic, payout.partner_id, {
        "payout_id": payout.id, "partner_id": payout.partner_id, "run_id": payout.run_id,
        "currency": payout.currency, "amount_minor": payout.amount_minor, "transfer_id": outcome.transfer_id,
        "failure_reason": outcome.refused, "at": utcnow().isoformat()})
