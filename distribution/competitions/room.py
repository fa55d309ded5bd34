"""`LeaderboardChanged` → for a session's competition, `PkStandingsChanged` with the top five as
they stand when the event is delivered (so one message carries every change since). The live room
publishes that event; distribution never writes into the room itself."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from distribution.competitions.board import LeaderboardStore
from distribution.competitions.leaderboard import board_rows, top
from distribution.competitions.models import Competition
from server.kernel.contracts import LeaderboardChanged, PkStandingsChanged
from server.kernel.outbox import OutboxEvent, emit


async def on_leaderboard_changed(
    session: AsyncSession, event: OutboxEvent, *, leaderboard: LeaderboardStore | None
) -> None:
    changed = LeaderboardChanged.read(event.payload, event.version)
    competition = await session.get(Competition, changed.competition_id)
    if competition is None or competition.session_id is None:
        return
    rows = await board_rows(session, competition, leaderboard)
    standings = PkStandingsChanged.model_validate(
        {
            "session_id": competition.session_id,
            "competition_id": competition.id,
            "name": competition.name,
            "metric": competition.metric,
            "currency": competition.currency,
            "state": competition.state,
            "top": top(rows),
        }
    )
    emit(session, standings, competition.id)
