"""Closing a competition: the final ranking is computed from the database (never the live board),
frozen in `competition_results`, and announced as `CompetitionClosed` for the ledger to pay.
The state also moves on read: scheduled → running when the session goes live or the period
starts, and a due competition (session ended, period passed) is closed by the first read."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import LiveSession, SessionState
from distribution.competitions.board import LeaderboardStore
from distribution.competitions.counting import announce, compute_standings
from distribution.competitions.models import Competition, CompetitionResult, CompetitionState
from distribution.competitions.ranking import Standing, award
from server.kernel.clock import utcnow
from server.kernel.contracts import CompetitionClosed
from server.kernel.ids import new_id
from server.kernel.outbox import emit

S = CompetitionState


async def close(session: AsyncSession, competition: Competition, at: datetime, store: LeaderboardStore | None) -> None:
    """Freeze the ranking at `at` (the caller holds the row lock and commits)."""
    standings = await compute_standings(session, competition, until=at)
    award(standings, competition.prize_tiers)
    for standing in standings:
        session.add_all(_results(competition, standing, at))
    competition.state, competition.closed_at = S.CLOSED, at
    session.add(competition)
    emit(session, CompetitionClosed.model_validate(closed_payload(competition, standings)), competition.id)
    await announce(session, competition.id)
    if store is not None:
        await store.drop(competition.id)


def _results(competition: Competition, standing: Standing, at: datetime) -> list[CompetitionResult]:
    return [
        CompetitionResult(
            id=new_id("pkr"),
            competition_id=competition.id,
            partner_id=partner_id,
            entrant_key=standing.entrant.key,
            entrant_name=standing.entrant.name,
            rank=standing.rank,
            score=standing.score,
            counted_net_minor=standing.net_by_partner[partner_id],
            counted_order_ids=standing.orders_by_partner[partner_id],
            bonus_minor=standing.bonus_by_partner.get(partner_id, 0),
            currency=competition.currency,
            frozen_at=at,
        )
        for partner_id in standing.entrant.partner_ids
    ]


def closed_payload(competition: Competition, standings: list[Standing]) -> dict[str, Any]:
    return {
        "competition_id": competition.id,
        "brand_id": competition.brand_id,
        "session_id": competition.session_id,
        "currency": competition.currency,
        "after_close_refunds": competition.after_close_refunds,
        "closed_at": (competition.closed_at or utcnow()).isoformat(),
        "results": [
            {
                "rank": s.rank,
                "entrant_key": s.entrant.key,
                "name": s.entrant.name,
                "score": s.score,
                "bonus_minor": s.bonus_minor,
                "partners": [
                    {
                        "partner_id": p,
                        "counted_net_minor": s.net_by_partner[p],
                        "bonus_minor": s.bonus_by_partner.get(p, 0),
                    }
                    for p in s.entrant.partner_ids
                ],
            }
            for s in standings
        ],
    }


async def due_state(session: AsyncSession, competition: Competition, now: datetime) -> tuple[str, datetime | None]:
    """The state the competition should be in now, and when it closed if it is due."""
    if competition.session_id is None:
        assert competition.starts_at is not None and competition.ends_at is not None
        if competition.ends_at <= now:
            return S.CLOSED, competition.ends_at
        return (S.RUNNING if competition.starts_at <= now else S.SCHEDULED), None
    live = await session.get(LiveSession, competition.session_id)
    state = live.state if live is not None else SessionState.CANCELLED
    if state in (SessionState.ENDED, SessionState.CANCELLED):
        return S.CLOSED, (live.ended_at or live.cancelled_at or now) if live is not None else now
    return (S.RUNNING if state == SessionState.LIVE else S.SCHEDULED), None


async def refresh(session: AsyncSession, competition: Competition, store: LeaderboardStore | None) -> bool:
    """Move a competition to the state it should be in; True when anything changed (caller commits)."""
    if competition.state == S.CLOSED:
        return False
    state, closed_at = await due_state(session, competition, utcnow())
    if state == S.CLOSED and closed_at is not None:
        await session.refresh(competition, with_for_update=True)
        if competition.state != S.CLOSED:
            await close(session, competition, closed_at, store)
            return True
        return False
    if state != competition.state:
        competition.state = state
        session.add(competition)
        return True
    return False
