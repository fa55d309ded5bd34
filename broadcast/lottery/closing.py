"""Closing a draw: freeze the entrants, reveal the seed, draw by the published rule (draw.py),
store the ranks and announce the winners. Closing a closed lottery returns it unchanged (no
second draw, no second announcement), so the brand's click and the automatic close may race."""

from __future__ import annotations

import structlog
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.liveroom.models import RoomComment
from broadcast.lottery import draw
from broadcast.lottery.lookup import locked
from broadcast.lottery.models import Lottery, LotteryEntry, LotteryState
from broadcast.lottery.views import room_message_closed, winners_of
from broadcast.models import LiveSession, SessionState
from server.kernel.clock import utcnow
from server.kernel.contracts import LotteryDrawn
from server.kernel.outbox import emit
from server.kernel.periodic import periodic

log = structlog.get_logger("lottery")
SWEEP_EVERY_S = 1.0


async def close_lottery(db: AsyncSession, lottery_id: str) -> Lottery:
    lottery = await locked(db, lottery_id)
    if lottery.state == LotteryState.CLOSED or not await _claim(db, lottery):
        await db.commit()  # ends the transaction (nothing written) without expiring the row, unlike rollback
        await db.refresh(lottery)  # as the closer that won left it
        return lottery
    entries = list((await db.exec(select(LotteryEntry).where(col(LotteryEntry.lottery_id) == lottery_id))).all())
    by_handle = {e.handle: e for e in entries}
    winning = draw.draw(bytes.fromhex(lottery.seed_hex), lottery.id, list(by_handle), lottery.winners_count)
    names = await _comment_names(db, lottery.session_id, [by_handle[h].visitor_id for h in winning])
    for rank, handle in enumerate(winning, start=1):
        entry = by_handle[handle]
        entry.rank, entry.display_name = rank, names.get(entry.visitor_id)
        db.add(entry)
    _mark_closed(lottery, list(by_handle))
    db.add(lottery)
    await db.flush()
    message = room_message_closed(lottery, await winners_of(db, lottery.id))
    emit(db, LotteryDrawn(session_id=lottery.session_id, lottery_id=lottery.id, message=message), lottery.id)
    await db.commit()
    return lottery


async def _claim(db: AsyncSession, lottery: Lottery) -> bool:
    """Only one closer draws: the row lock does it on PostgreSQL, this conditional update on SQLite
    (which has no row locks, and where the sweeper and a brand's click may interleave)."""
    stmt = (
        update(Lottery)
        .where(col(Lottery.id) == lottery.id, col(Lottery.state) == LotteryState.OPEN)
        .values(state=LotteryState.CLOSED, open_session_id=None)
    )
    result = await db.exec(stmt)
    return bool(result.rowcount)


def _mark_closed(lottery: Lottery, handles: list[str]) -> None:
    lottery.state, lottery.open_session_id, lottery.closed_at = LotteryState.CLOSED, None, utcnow()
    lottery.entrant_count, lottery.entrants_sha256 = len(handles), draw.entrants_sha256(handles)


async def _comment_names(db: AsyncSession, session_id: str, visitor_ids: list[str]) -> dict[str, str]:
    if not visitor_ids:
        return {}
    stmt = select(RoomComment.visitor_id, RoomComment.author).where(
        col(RoomComment.session_id) == session_id,
        col(RoomComment.visitor_id).in_(visitor_ids),
        col(RoomComment.deleted_at).is_(None),
    )
    return {visitor: author for visitor, author in (await db.exec(stmt)).all()}


def is_due(lottery: Lottery) -> bool:
    return lottery.state == LotteryState.OPEN and lottery.closes_at is not None and lottery.closes_at <= utcnow()


async def session_over(db: AsyncSession, lottery: Lottery) -> bool:
    live = await db.get(LiveSession, lottery.session_id)
    return live is not None and live.state in (SessionState.ENDED, SessionState.CANCELLED)


async def close_if_due(db: AsyncSession, lottery: Lottery) -> bool:
    """Reads close a due lottery too, so nobody sees it open past `closes_at` between sweeps, nor
    after its session ended (before the session-end consumer, `session_end.py`, got to it)."""
    if lottery.state != LotteryState.OPEN or not (is_due(lottery) or await session_over(db, lottery)):
        return False
    await close_lottery(db, lottery.id)
    return True


async def close_due(maker: async_sessionmaker[AsyncSession]) -> int:
    async with maker() as db:
        stmt = (
            select(Lottery.id)
            .where(col(Lottery.state) == LotteryState.OPEN, col(Lottery.closes_at) <= utcnow())
            .limit(100)
        )
        ids = list((await db.exec(stmt)).all())
    for lottery_id in ids:
        async with maker() as db:
            try:
                await close_lottery(db, lottery_id)
            except Exception as exc:  # one bad draw must not keep the others open
                log.warning("lottery auto-close failed", lottery_id=lottery_id, error=repr(exc))
    return len(ids)


# LIFESPAN: close lotteries whose `closes_at` has passed, once a second.
auto_closer = periodic("lottery-auto-close", lambda app: SWEEP_EVERY_S, lambda app: close_due(app.state.sessionmaker))
