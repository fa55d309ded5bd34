"""What counts, read from the database (the truth): an entrant partner's paid orders of the brand,
in the competition's currency and scope, neither self-referrals nor flagged."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from distribution.competitions.board import LeaderboardStore
from distribution.competitions.models import Competition, CompetitionMember, CompetitionState, OrderFlag, PkOrder
from distribution.competitions.ranking import CountedOrder, Entrant, Standing, group_members, order_score, standings
from server.kernel.contracts import LeaderboardChanged
from server.kernel.outbox import OutboxEvent, emit


async def entrants(session: AsyncSession, competition_id: str) -> list[Entrant]:
    stmt = select(CompetitionMember).where(CompetitionMember.competition_id == competition_id)
    rows = (await session.exec(stmt)).all()
    return group_members((m.entrant_key, m.entrant_name, m.partner_id) for m in rows)


def in_scope(competition: Competition, order: PkOrder, until: datetime | None = None) -> bool:
    """The order belongs to the competition (scope, currency); `until`: paid before the close."""
    if order.brand_id != competition.brand_id or order.currency != competition.currency:
        return False
    if until is not None and order.paid_at >= until:
        return False
    if competition.session_id is not None:
        return order.session_id == competition.session_id
    assert competition.starts_at is not None and competition.ends_at is not None
    return competition.starts_at <= order.paid_at < competition.ends_at


async def counted_orders(
    session: AsyncSession, competition: Competition, partner_ids: Sequence[str], until: datetime | None = None
) -> list[CountedOrder]:
    o = PkOrder
    stmt = select(o).where(
        o.brand_id == competition.brand_id,
        o.currency == competition.currency,
        col(o.partner_id).in_(partner_ids),
        col(o.self_referral).is_(False),
        ~sa.exists().where(col(OrderFlag.order_id) == col(o.order_id)),
    )
    if competition.session_id is not None:
        stmt = stmt.where(o.session_id == competition.session_id)
    else:
        stmt = stmt.where(col(o.paid_at) >= competition.starts_at, col(o.paid_at) < competition.ends_at)
    if until is not None:
        stmt = stmt.where(col(o.paid_at) < until)
    rows = (await session.exec(stmt.order_by(col(o.order_id)))).all()
    return [CountedOrder(r.order_id, r.partner_id, r.amount_minor, r.refunded_minor) for r in rows]


async def compute_standings(
    session: AsyncSession, competition: Competition, until: datetime | None = None
) -> list[Standing]:
    found = await entrants(session, competition.id)
    partner_ids = [p for e in found for p in e.partner_ids]
    return standings(competition.metric, found, await counted_orders(session, competition, partner_ids, until))


async def rebuild(session: AsyncSession, competition: Competition, store: LeaderboardStore | None) -> dict[str, int]:
    """Rebuild the live board of a competition from the database; its scores."""
    scores = {s.entrant.key: s.score for s in await compute_standings(session, competition, competition.closed_at)}
    if store is not None:
        await store.replace(competition.id, scores)
    return scores


async def open_competitions_for(session: AsyncSession, order: PkOrder) -> list[tuple[Competition, str]]:
    """Competitions not yet closed that this order counts in, each with the order's entrant key."""
    return (await open_competitions_of(session, [order]))[order.order_id]


async def open_competitions_of(
    session: AsyncSession, orders: Sequence[PkOrder]
) -> dict[str, list[tuple[Competition, str]]]:
    """`open_competitions_for` of many orders in one query: {order id: [(competition, entrant key)]}."""
    stmt = (
        select(Competition, CompetitionMember.entrant_key, CompetitionMember.partner_id)
        .join(CompetitionMember, col(CompetitionMember.competition_id) == col(Competition.id))
        .where(
            col(Competition.brand_id).in_(sorted({o.brand_id for o in orders})),
            Competition.state != CompetitionState.CLOSED,
            col(CompetitionMember.partner_id).in_(sorted({o.partner_id for o in orders})),
        )
    )
    rows = (await session.exec(stmt)).all() if orders else []
    return {
        o.order_id: [(c, key) for c, key, partner_id in rows if partner_id == o.partner_id and in_scope(c, o)]
        for o in orders
    }


def score_deltas(
    found: Sequence[tuple[Competition, str]], order: PkOrder, before: CountedOrder | None, after: CountedOrder | None
) -> dict[tuple[str, str], int]:
    """How the order's change from `before` to `after` (None: not counted) moves each open board
    it counts in (`found`): {(competition, entrant key): score delta}, zero deltas included."""
    if order.self_referral:
        return {}
    return {
        (competition.id, key): (order_score(competition.metric, after) if after else 0)
        - (order_score(competition.metric, before) if before else 0)
        for competition, key in found
    }


async def move(
    session: AsyncSession,
    order: PkOrder,
    before: CountedOrder | None,
    after: CountedOrder | None,
    store: LeaderboardStore | None,
) -> None:
    """The order's contribution changed from `before` to `after` (None: not counted): move every
    open board it counts in, and announce the change."""
    found = [] if order.self_referral else await open_competitions_for(session, order)
    for (competition_id, key), delta in score_deltas(found, order, before, after).items():
        if delta and store is not None:
            await store.incr(competition_id, key, delta)
        await announce(session, competition_id)


async def announce(session: AsyncSession, competition_id: str) -> None:
    """Emit `LeaderboardChanged` unless one for this competition is still undelivered: its handler
    reads the board when it runs, so the pending one already carries this change (coalescing)."""
    stmt = (
        select(OutboxEvent.id)
        .where(
            OutboxEvent.topic == "LeaderboardChanged",
            OutboxEvent.aggregate_id == competition_id,
            col(OutboxEvent.delivered_at).is_(None),
        )
        .limit(1)
    )
    if (await session.exec(stmt)).first() is None:
        emit(session, LeaderboardChanged(competition_id=competition_id), competition_id)
