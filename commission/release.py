"""The release job: commission whose hold period has ended moves from *pending* to *available*.

Set-based so a million matured orders release in a few statements: the matured, unreleased
orders are stamped with a batch id (one UPDATE; the row locks make concurrent jobs skip what
another already took), then the batch's remaining amounts are summed per partner and posted as
one balanced `commission_released` transaction keyed by the batch. Running it again finds nothing
left to release, so it is idempotent."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from commission import ledger
from commission.ledger import Kind, Posting, Reason
from commission.models import OrderCommission
from server.kernel.ids import new_id


@dataclass
class ReleaseResult:
    batch_id: str
    orders: int
    amounts: dict[str, int]  # currency → released minor units


async def release_matured(session: AsyncSession, as_of: datetime) -> ReleaseResult:
    """Release everything whose hold ended at or before `as_of` (the caller commits)."""
    batch = new_id("rlb")
    oc = OrderCommission
    stamped = await session.execute(
        sa.update(oc).where(col(oc.released_at).is_(None), col(oc.hold_until) <= as_of)
        .values(released_at=as_of, release_batch=batch).execution_options(synchronize_session=False))
    count = stamped.rowcount or 0  # type: ignore[attr-defined]
    if not count:
        return ReleaseResult(batch, 0, {})
    totals = await _batch_totals(session, batch)
    posting = Posting(f"{Reason.RELEASED.value}:{batch}", Reason.RELEASED, as_of, external_ref=batch,
                      memo={"orders": count})
    released: dict[str, int] = defaultdict(int)
    for (partner_id, currency), amount in sorted(totals.items()):
        posting.add(ledger.partner_key(partner_id, Kind.PENDING, currency), -amount)
        posting.add(ledger.partner_key(partner_id, Kind.AVAILABLE, currency), amount)
        released[currency] += amount
    if posting.legs:
        await ledger.post(session, posting)
    return ReleaseResult(batch, count, dict(released))


async def _batch_totals(session: AsyncSession, batch: str) -> dict[tuple[str, str], int]:
    oc = OrderCommission
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for owner, remaining in ((oc.partner_id, col(oc.partner_minor) - col(oc.partner_reversed_minor)),
                             (oc.parent_partner_id, col(oc.parent_minor) - col(oc.parent_reversed_minor))):
        stmt = (sa.select(owner, oc.currency, sa.func.sum(remaining)).where(oc.release_batch == batch,
                                                                             col(owner).is_not(None))
                .group_by(owner, oc.currency))
        for owner_id, currency, amount in (await session.execute(stmt)).all():
            totals[(owner_id, currency)] += int(amount or 0)
    return {k: v for k, v in totals.items() if v}
