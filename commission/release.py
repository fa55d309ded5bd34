"""The release job: commission whose hold period has ended (or, under `release_on: completion`,
whose order has completed) moves from *pending* to *available*.

Set-based so a million matured orders release in a few statements: the matured, unreleased
orders are stamped with a batch id in one UPDATE (its row locks make a concurrent job skip what
another already took) whose returned rows are summed per partner — in the same statement on
PostgreSQL — and posted as one balanced `commission_released` transaction keyed by the batch.
Running it again finds nothing left to release, so it is idempotent."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from commission import ledger
from commission.ledger import Kind, Posting, Reason
from commission.models import OrderCommission
from server.kernel.db import is_postgres
from server.kernel.ids import new_id

Totals = dict[tuple[str, str], int]


@dataclass
class ReleaseResult:
    batch_id: str
    orders: int
    amounts: dict[str, int]  # currency → released minor units


async def release_matured(session: AsyncSession, as_of: datetime) -> ReleaseResult:
    """Release everything whose hold ended at or before `as_of` (the caller commits)."""
    batch = new_id("rlb")
    count, totals = await (_stamp_and_sum_pg if is_postgres(session) else _stamp_and_sum)(session, as_of, batch)
    if not count:
        return ReleaseResult(batch, 0, {})
    posting = Posting(
        f"{Reason.RELEASED.value}:{batch}", Reason.RELEASED, as_of, external_ref=batch, memo={"orders": count}
    )
    released: dict[str, int] = defaultdict(int)
    for (partner_id, currency), amount in sorted(totals.items()):
        posting.add(ledger.partner_key(partner_id, Kind.PENDING, currency), -amount)
        posting.add(ledger.partner_key(partner_id, Kind.AVAILABLE, currency), amount)
        released[currency] += amount
    if posting.legs:
        await ledger.post(session, posting)
    return ReleaseResult(batch, count, dict(released))


def _matured(as_of: datetime, batch: str) -> Any:
    oc = OrderCommission
    return (
        sa.update(oc)
        # an order held by an open dispute stays put (its share sits in *disputed*); a column on the
        # row, not a join, so a concurrent dispute's row lock makes this UPDATE re-check it
        .where(col(oc.released_at).is_(None), col(oc.hold_until) <= as_of, col(oc.held_by_dispute).is_(None))
        # `release_on: completion` waits for OrderCompleted (commission/completion.py), whatever the hold
        .where(sa.or_(col(oc.release_on) == "days", col(oc.completed_at).is_not(None)))
        .values(released_at=as_of, release_batch=batch)
        .execution_options(synchronize_session=False)
    )


async def _stamp_and_sum_pg(session: AsyncSession, as_of: datetime, batch: str) -> tuple[int, Totals]:
    """One statement: the UPDATE's RETURNING rows are summed per partner inside PostgreSQL."""
    oc = OrderCommission
    moved = (
        _matured(as_of, batch)
        .returning(
            col(oc.partner_id),
            col(oc.parent_partner_id),
            col(oc.currency),
            (col(oc.partner_minor) - col(oc.partner_reversed_minor)).label("partner_left"),
            (col(oc.parent_minor) - col(oc.parent_reversed_minor)).label("parent_left"),
        )
        .cte("moved")
    )
    stmt = sa.select(
        moved.c.partner_id,
        moved.c.parent_partner_id,
        moved.c.currency,
        sa.func.count(),
        sa.func.sum(moved.c.partner_left),
        sa.func.sum(moved.c.parent_left),
    ).group_by(moved.c.partner_id, moved.c.parent_partner_id, moved.c.currency)
    return _fold((await session.execute(stmt)).all())


async def _stamp_and_sum(session: AsyncSession, as_of: datetime, batch: str) -> tuple[int, Totals]:
    """SQLite: stamp the batch, then sum it (the database has a single writer, so nothing slips in)."""
    oc = OrderCommission
    await session.execute(_matured(as_of, batch))
    stmt = (
        sa.select(  # type: ignore[call-overload]
            oc.partner_id,
            oc.parent_partner_id,
            oc.currency,
            sa.func.count(),
            sa.func.sum(col(oc.partner_minor) - col(oc.partner_reversed_minor)),
            sa.func.sum(col(oc.parent_minor) - col(oc.parent_reversed_minor)),
        )
        .where(oc.release_batch == batch)
        .group_by(oc.partner_id, oc.parent_partner_id, oc.currency)
    )
    return _fold((await session.execute(stmt)).all())


def _fold(rows: Any) -> tuple[int, Totals]:
    totals: Totals = defaultdict(int)
    count = 0
    for partner_id, parent_id, currency, orders, partner_left, parent_left in rows:
        count += int(orders)
        if partner_id:
            totals[(partner_id, currency)] += int(partner_left or 0)
        if parent_id:
            totals[(parent_id, currency)] += int(parent_left or 0)
    return count, {k: v for k, v in totals.items() if v}
