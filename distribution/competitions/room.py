"""`LeaderboardChanged` → for a session's competition, a `pk` message in the live room with the
top five as they stand when the event is delivered (so one message carries every change since)."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.liveroom import runtime
from distribution.competitions.leaderboard import board_rows, top
from distribution.competitions.models import Competition
from server.kernel.outbox import OutboxEvent


async def on_leaderboard_changed(session: AsyncSession, event: OutboxEvent) -> None:
    competition = await session.get(Competition, event.payload["competition_id"])
    room = runtime.current()
    if competition is None or competition.session_id is None or room is None:
        return
    rows = await board_rows(session, competition)
    await room.publish(
        competition.session_id,
        {
            "type": "pk",
            "competition_id": competition.id,
            "name": competition.name,
            "metric": competition.metric,
            "currency": competition.currency,
            "state": competition.state,
            "top": top(rows),
        },
    )
