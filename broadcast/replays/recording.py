"""Attaching the recording to an ended session: it becomes a replay (announced to the room like
every state change), or, already one, gets the new recording."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import LiveSession, SessionState
from broadcast.services.sessions import SessionService
from broadcast.transitions import check_transition
from server.kernel.clock import utcnow
from server.kernel.contracts import SessionStateChanged
from server.kernel.outbox import emit
from server.kernel.principal import Principal


class ReplayService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def attach(self, principal: Principal, session_id: str, playback_url: str) -> LiveSession:
        live = await SessionService(self.session).get(principal, session_id)
        live.replay_url = playback_url
        if live.state != SessionState.REPLAY:
            check_transition(SessionState(live.state), SessionState.REPLAY)  # only an ended show
            now = utcnow()
            live.state, live.replay_started_at = SessionState.REPLAY, now
            event = SessionStateChanged(session_id=live.id, brand_id=live.brand_id, state=live.state, at=now)
            emit(self.session, event, live.id)
        self.session.add(live)
        await self.session.commit()
        return live
