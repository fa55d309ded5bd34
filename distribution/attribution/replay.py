"""Whether an order was paid during its session's replay: a partner's link keeps selling after the
show, and the order says so (rule `replay` where it would be `last_click`)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import LiveSession
from server.kernel.clock import as_utc

CLICK_RULES = frozenset({"last_click", "replay"})  # chosen by the buyer's click through a link


async def paid_in_replay(session: AsyncSession, session_id: str, paid_at: datetime) -> bool:
    live = await session.get(LiveSession, session_id)
    return live is not None and live.replay_started_at is not None and paid_at >= as_utc(live.replay_started_at)
