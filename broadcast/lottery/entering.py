"""A viewer enters a draw (idempotent: the same visitor gets the same entry back)."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.liveroom.store import RoomStore
from broadcast.lottery import draw
from broadcast.lottery.closing import close_if_due
from broadcast.lottery.eligibility import refusal
from broadcast.lottery.lookup import locked, lottery_of
from broadcast.lottery.models import Lottery, LotteryEntry, LotteryState
from broadcast.lottery.problems import LotteryClosed, NotEligible
from broadcast.lottery.schemas import MyEntryPublic
from server.kernel.ids import new_id


async def entry_of(db: AsyncSession, lottery_id: str, visitor_id: str) -> LotteryEntry | None:
    stmt = select(LotteryEntry).where(
        col(LotteryEntry.lottery_id) == lottery_id, col(LotteryEntry.visitor_id) == visitor_id
    )
    return (await db.exec(stmt)).first()


async def enter(
    db: AsyncSession, store: RoomStore | None, session_id: str, lottery_id: str, visitor_id: str
) -> LotteryEntry:
    lottery = await lottery_of(db, lottery_id, session_id)
    existing = await entry_of(db, lottery_id, visitor_id)
    if existing is not None:
        return existing
    if await close_if_due(db, lottery) or lottery.state != LotteryState.OPEN:
        raise LotteryClosed("the draw has closed; entries are no longer taken", extra={"lottery_id": lottery_id})
    reason = await refusal(db, store, lottery, visitor_id)
    if reason is not None:
        raise NotEligible(reason, extra={"lottery_id": lottery_id, "entry_rule": lottery.entry_kind})
    return await _insert(db, lottery, visitor_id)


async def _insert(db: AsyncSession, lottery: Lottery, visitor_id: str) -> LotteryEntry:
    lottery_id = lottery.id  # a rollback expires `lottery`; its id is needed after one
    fresh = await locked(db, lottery_id, shared=True)  # a close that got here first wins
    if fresh.state != LotteryState.OPEN:
        await db.rollback()
        raise LotteryClosed("the draw has closed; entries are no longer taken", extra={"lottery_id": lottery_id})
    entry = LotteryEntry(
        id=new_id("lte"), lottery_id=lottery_id, visitor_id=visitor_id, handle=draw.handle_of(lottery_id, visitor_id)
    )
    db.add(entry)
    try:
        await db.commit()
    except IntegrityError:  # the same visitor entering twice at once: keep the first
        await db.rollback()
        existing = await entry_of(db, lottery_id, visitor_id)
        assert existing is not None
        return existing
    return entry


async def my_entry(db: AsyncSession, session_id: str, lottery_id: str, visitor_id: str) -> MyEntryPublic:
    lottery = await lottery_of(db, lottery_id, session_id)
    await close_if_due(db, lottery)
    entry = await entry_of(db, lottery_id, visitor_id)
    return MyEntryPublic(
        lottery_id=lottery_id,
        entered=entry is not None,
        handle=entry.handle if entry else None,
        state=lottery.state,
        won=bool(entry and entry.rank),
        rank=entry.rank if entry else None,
    )
