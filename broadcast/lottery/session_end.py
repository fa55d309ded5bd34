"""A session that ends (or is cancelled) closes its open draw: drawn at once from the entries it
has, announced in the room like a brand's close. Idempotent: a redelivered event finds nothing open."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.lottery.closing import close_lottery
from broadcast.lottery.models import Lottery, LotteryState
from broadcast.models import SessionState
from server.kernel.contracts import SessionStateChanged
from server.kernel.outbox import OutboxEvent

OVER = frozenset({SessionState.ENDED.value, SessionState.CANCELLED.value})


async def close_open_draws(db: AsyncSession, session_id: str) -> list[str]:
    """The ids of the draws it closed."""
    stmt = select(Lottery.id).where(col(Lottery.session_id) == session_id, col(Lottery.state) == LotteryState.OPEN)
    ids = list((await db.exec(stmt)).all())
    for lottery_id in ids:
        await close_lottery(db, lottery_id)
    return ids


async def on_session_over(session: AsyncSession, event: OutboxEvent) -> None:
    changed = SessionStateChanged.read(event.payload, event.version)
    if changed.state in OVER:
        await close_open_draws(session, changed.session_id)
