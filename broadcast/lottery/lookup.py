"""Finding a lottery (and its row lock) the same way everywhere."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.lottery.models import Lottery
from server.kernel.problems import NotFound


async def lottery_of(db: AsyncSession, lottery_id: str, session_id: str | None = None) -> Lottery:
    """The lottery, or 404 (also when it belongs to another session than the one in the URL)."""
    lottery = await db.get(Lottery, lottery_id)
    if lottery is None or (session_id is not None and lottery.session_id != session_id):
        raise NotFound.of("lottery", lottery_id)
    return lottery


async def locked(db: AsyncSession, lottery_id: str, *, shared: bool = False) -> Lottery:
    """Re-read under a row lock (PostgreSQL): closing takes it exclusively, entering shared, so
    the entrant list frozen at close is exactly the entries committed before it."""
    stmt = (
        select(Lottery)
        .where(col(Lottery.id) == lottery_id)
        .with_for_update(read=shared)
        .execution_options(populate_existing=True)
    )
    lottery = (await db.exec(stmt)).one_or_none()
    if lottery is None:
        raise NotFound.of("lottery", lottery_id)
    return lottery
