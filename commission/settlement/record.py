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
from server.kernel.contracts import PayoutFailed, PayoutSent
from server.kernel.outbox import emit


async def record_outcomes(
    maker: async_sessionmaker[AsyncSession], payouts: Mapping[str, Payout], outcomes: Sequence[TransferOutcome]
) -> None:
    decided = [o for o in outcomes if o.transfer_id or o.refused]
    if not decided:
        return
    async with maker() as session:
        won = await _leave_in_flight(session, decided)
        postings = []
        for outcome in decided:
            if outcome.payout_id in won:
                postings.append(_posting(payouts[outcome.payout_id], outcome))
                _announce(session, payouts[outcome.payout_id], outcome)
        await ledger.post_many(session, postings)
        await session.commit()


async def _leave_in_flight(session: AsyncSession, outcomes: Sequence[TransferOutcome]) -> set[str]:
    """Move the payouts out of in_flight; returns the ids this caller moved (the others were
    already recorded by an overlapping run and must not be booked again)."""
    won: set[str] = set()
    for state, group in (
        (PayoutState.PAID, [o for o in outcomes if o.transfer_id]),
        (PayoutState.FAILED, [o for o in outcomes if not o.transfer_id]),
    ):
        if not group:
            continue
        stmt = (
            sa.update(Payout)
            .where(col(Payout.id).in_([o.payout_id for o in group]), col(Payout.state) == PayoutState.IN_FLIGHT)
            .values(state=state, settled_at=utcnow())
            .returning(col(Payout.id))
            .execution_options(synchronize_session=False)
        )
        moved = set((await session.execute(stmt)).scalars().all())
        details = [
            {"id": o.payout_id, "transfer_id": o.transfer_id, "failure_reason": o.refused}
            for o in group
            if o.payout_id in moved
        ]
        if details:
            await session.execute(sa.update(Payout), details)
        won |= moved
    return won


def _posting(payout: Payout, outcome: TransferOutcome) -> Posting:
    sent = outcome.transfer_id is not None
    reason = Reason.PAYOUT_SENT if sent else Reason.PAYOUT_FAILED
    posting = Posting(
        f"{reason.value}:{payout.id}",
        reason,
        utcnow(),
        external_ref=payout.id,
        memo={"transfer_id": outcome.transfer_id} if sent else {"failure_reason": outcome.refused},
    )
    posting.add(ledger.partner_key(payout.partner_id, Kind.IN_FLIGHT, payout.currency), -payout.amount_minor)
    target = Kind.PAID if sent else Kind.AVAILABLE
    posting.add(ledger.partner_key(payout.partner_id, target, payout.currency), payout.amount_minor)
    return posting


def _announce(session: AsyncSession, payout: Payout, outcome: TransferOutcome) -> None:
    contract = PayoutSent if outcome.transfer_id else PayoutFailed
    event = contract(
        payout_id=payout.id,
        partner_id=payout.partner_id,
        run_id=payout.run_id,
        currency=payout.currency,
        amount_minor=payout.amount_minor,
        transfer_id=outcome.transfer_id,
        failure_reason=outcome.refused,
        at=utcnow(),
    )
    emit(session, event, payout.partner_id)
