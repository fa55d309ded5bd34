"""After-close refunds under `adjust_bonus`: the ranking stays frozen, but a percentage prize is
recomputed on the entrant's counted net GMV after the refund (every refund so far, on the orders
counted at close) and the difference is emitted as `CompetitionBonusAdjusted` for the ledger to
claw back. Fixed prizes stand. Under `final` nothing happens here."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from distribution.competitions.models import BonusAdjustment, Competition, CompetitionResult, PkOrder
from distribution.competitions.ranking import recomputed_bonus, tier_for
from server.kernel.contracts import CompetitionBonusAdjusted
from server.kernel.outbox import emit


async def adjust_after_close(session: AsyncSession, order: PkOrder, refund_id: str) -> None:
    stmt = (
        select(CompetitionResult, Competition)
        .join(Competition, col(Competition.id) == col(CompetitionResult.competition_id))
        .where(
            CompetitionResult.partner_id == order.partner_id,
            Competition.brand_id == order.brand_id,
            Competition.after_close_refunds == "adjust_bonus",
        )
    )
    for result, competition in (await session.exec(stmt)).all():
        if order.order_id in result.counted_order_ids:
            await _adjust(session, competition, result, order, refund_id)


async def _adjust(
    session: AsyncSession, competition: Competition, result: CompetitionResult, order: PkOrder, refund_id: str
) -> None:
    tier = tier_for(competition.prize_tiers, result.rank)
    team = (
        await session.exec(
            select(CompetitionResult).where(
                CompetitionResult.competition_id == competition.id, CompetitionResult.entrant_key == result.entrant_key
            )
        )
    ).all()
    if result.score <= 0:
        return
    nets = {r.partner_id: await _net_now(session, r.counted_order_ids) for r in team}
    bonuses = recomputed_bonus(tier, nets)
    if bonuses is None:
        return
    changes = []
    for row in team:
        previous = row.bonus_minor + await _adjusted(session, competition.id, row.partner_id)
        delta = bonuses[row.partner_id] - previous
        if delta:
            changes.append(
                BonusAdjustment(
                    competition_id=competition.id,
                    partner_id=row.partner_id,
                    refund_id=refund_id,
                    order_id=order.order_id,
                    delta_minor=delta,
                    bonus_after_minor=bonuses[row.partner_id],
                    currency=row.currency,
                )
            )
    if changes:
        session.add_all(changes)
        adjusted = CompetitionBonusAdjusted.model_validate(_payload(competition, refund_id, order, changes))
        emit(session, adjusted, competition.id)


async def _net_now(session: AsyncSession, order_ids: list[str]) -> int:
    if not order_ids:
        return 0
    o = PkOrder
    stmt = sa.select(sa.func.sum(col(o.amount_minor) - col(o.refunded_minor))).where(col(o.order_id).in_(order_ids))
    return max(0, int((await session.execute(stmt)).scalar() or 0))


async def _adjusted(session: AsyncSession, competition_id: str, partner_id: str) -> int:
    a = BonusAdjustment
    stmt = sa.select(sa.func.sum(col(a.delta_minor))).where(
        col(a.competition_id) == competition_id, col(a.partner_id) == partner_id
    )
    return int((await session.execute(stmt)).scalar() or 0)


def _payload(
    competition: Competition, refund_id: str, order: PkOrder, changes: list[BonusAdjustment]
) -> dict[str, Any]:
    return {
        "competition_id": competition.id,
        "brand_id": competition.brand_id,
        "refund_id": refund_id,
        "order_id": order.order_id,
        "currency": competition.currency,
        "adjustments": [
            {"partner_id": c.partner_id, "delta_minor": c.delta_minor, "bonus_after_minor": c.bonus_after_minor}
            for c in changes
        ],
    }
