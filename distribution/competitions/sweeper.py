"""A small sweeper: every half minute, competitions whose session ended or whose period passed are
closed (and their bonuses paid) even if nobody reads them. Reads do the same check; this only makes
the close timely. Off when the outbox poller is off (tests drive everything themselves)."""

from __future__ import annotations

from typing import Any

import structlog
from sqlmodel import select

from distribution.competitions.board import LeaderboardStore
from distribution.competitions.closing import refresh
from distribution.competitions.models import Competition, CompetitionState
from server.kernel.periodic import periodic

INTERVAL_S = 30.0
log = structlog.get_logger("pk")


async def sweep(maker: Any, store: LeaderboardStore | None) -> int:
    """Move every open competition to its due state; how many changed."""
    async with maker() as session:
        stmt = select(Competition.id).where(Competition.state != CompetitionState.CLOSED)
        ids = list((await session.exec(stmt)).all())
    changed = 0
    for competition_id in ids:
        async with maker() as session:
            competition = await session.get(Competition, competition_id)
            if competition is not None and await refresh(session, competition, store):
                await session.commit()
                changed += 1
    return changed


def _interval(app: Any) -> float:
    return INTERVAL_S if app.state.settings.outbox_poll_interval_ms > 0 else 0


sweeper_lifespan = periodic("pk-sweeper", _interval, lambda app: sweep(app.state.sessionmaker, app.state.leaderboard))
