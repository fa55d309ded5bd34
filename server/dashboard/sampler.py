"""While a session is live, every `dashboard_sample_interval_s` each worker samples the room's
counters into the current minute (online viewers, like total, unique viewers) and recomputes the
flows of this minute and the one before from the database (orders, refunds, cart adds, comments,
clicks). The counters are shared by all workers (Redis), so several samplers only add samples
of the same values: the peak is a max and the mean a sum over a count."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlmodel import col, select

from broadcast.models import LiveSession, SessionState
from server.dashboard import minutes
from server.dashboard.room import room_now
from server.kernel.clock import utcnow
from server.kernel.periodic import periodic

LIVE_SESSIONS_SAMPLED = 200


async def sample(app: Any) -> int:
    """One round over the live sessions; returns how many were sampled."""
    async with app.state.sessionmaker() as db:
        stmt = select(LiveSession).where(LiveSession.state == SessionState.LIVE)
        live_sessions = (await db.exec(stmt.order_by(col(LiveSession.id)).limit(LIVE_SESSIONS_SAMPLED))).all()
        now = utcnow()
        for live in live_sessions:
            room = await room_now(app.state, live)
            sample_ = minutes.Sample(room.online, room.likes, room.unique_viewers, room.watch_s)
            await minutes.record_sample(db, live.id, now, sample_)
            await minutes.rebuild(db, live.id, since=now - timedelta(minutes=1))
        await db.commit()
    return len(live_sessions)


sampler = periodic("dashboard-sampler", lambda app: app.state.settings.dashboard_sample_interval_s, sample)
