"""Reading a leaderboard: the live board while running (rebuilt from the database when missing),
the frozen results once closed. Partners see names and scores only; the brand sees who is who."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from distribution.competitions.board import LeaderboardStore
from distribution.competitions.counting import entrants, rebuild
from distribution.competitions.models import Competition, CompetitionResult, CompetitionState
from distribution.competitions.ranking import Entrant, rank
from distribution.competitions.schemas import BoardRow, LeaderboardPublic
from server.kernel.principal import Principal, Role


async def live_scores(
    session: AsyncSession, competition: Competition, store: LeaderboardStore | None
) -> dict[str, int]:
    scores = await store.scores(competition.id) if store is not None else None
    if scores is None:
        scores = await rebuild(session, competition, store)
    return scores


async def frozen_rows(session: AsyncSession, competition: Competition) -> list[CompetitionResult]:
    stmt = (
        select(CompetitionResult)
        .where(CompetitionResult.competition_id == competition.id)
        .order_by(col(CompetitionResult.rank), col(CompetitionResult.partner_id))
    )
    return list((await session.exec(stmt)).all())


async def board_rows(session: AsyncSession, competition: Competition, store: LeaderboardStore | None) -> list[BoardRow]:
    """Every entrant in rank order, with partner ids and bonuses (trim before showing a partner)."""
    if competition.state == CompetitionState.CLOSED:
        return await _frozen_board(session, competition)
    return await _live_board(session, competition, store)


async def _frozen_board(session: AsyncSession, competition: Competition) -> list[BoardRow]:
    results = await frozen_rows(session, competition)
    partners: dict[str, list[str]] = {}
    bonuses: dict[str, int] = {}
    for r in results:
        partners.setdefault(r.entrant_key, []).append(r.partner_id)
        bonuses[r.entrant_key] = bonuses.get(r.entrant_key, 0) + r.bonus_minor
    firsts = {r.entrant_key: r for r in reversed(results)}
    return sorted(
        (
            BoardRow(
                rank=r.rank,
                name=r.entrant_name,
                score=r.score,
                entrant_key=key,
                partner_ids=partners[key],
                bonus_minor=bonuses[key],
            )
            for key, r in firsts.items()
        ),
        key=lambda row: row.rank,
    )


async def _live_board(
    session: AsyncSession, competition: Competition, store: LeaderboardStore | None
) -> list[BoardRow]:
    found: dict[str, Entrant] = {e.key: e for e in await entrants(session, competition.id)}
    scores = await live_scores(session, competition, store)
    ranked = rank((key, scores.get(key, 0)) for key in found)
    return [
        BoardRow(rank=pos, name=found[key].name, score=score, entrant_key=key, partner_ids=list(found[key].partner_ids))
        for pos, key, score in ranked
    ]


async def leaderboard(
    session: AsyncSession, competition: Competition, principal: Principal, store: LeaderboardStore | None
) -> LeaderboardPublic:
    rows = await board_rows(session, competition, store)
    mine = None
    if principal.role is Role.PARTNER:
        mine = await _my_bonus(session, competition, principal.partner_id or "")
        rows = [
            BoardRow(rank=r.rank, name=r.name, score=r.score, mine=principal.partner_id in (r.partner_ids or []))
            for r in rows
        ]
    return LeaderboardPublic(
        competition_id=competition.id,
        name=competition.name,
        state=competition.state,
        metric=competition.metric,
        currency=competition.currency,
        frozen=competition.state == CompetitionState.CLOSED,
        rows=rows,
        my_bonus_minor=mine,
    )


async def _my_bonus(session: AsyncSession, competition: Competition, partner_id: str) -> int | None:
    if competition.state != CompetitionState.CLOSED:
        return None
    stmt = select(CompetitionResult.bonus_minor).where(
        CompetitionResult.competition_id == competition.id, CompetitionResult.partner_id == partner_id
    )
    return (await session.exec(stmt)).first()


def top(rows: list[BoardRow], n: int = 5) -> list[dict[str, object]]:
    return [{"rank": r.rank, "name": r.name, "score": r.score} for r in rows[:n]]
