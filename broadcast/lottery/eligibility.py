"""Who may enter: checked when the visitor enters, counting only what they did since the draw
opened. Returns the reason a visitor may not enter, written for the viewer, or None."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout.models import Order, OrderState
from broadcast.liveroom.models import RoomComment
from broadcast.liveroom.store import RoomStore
from broadcast.lottery.models import EntryKind, Lottery
from server.kernel.problems import ServiceUnavailable

COMMENTS_LOOKED_AT = 200  # a visitor's comments since opening; the rate limit keeps this small


async def refusal(db: AsyncSession, store: RoomStore | None, lottery: Lottery, visitor_id: str) -> str | None:
    if lottery.entry_kind == EntryKind.COMMENT_KEYWORD:
        ok = await commented(db, lottery.session_id, visitor_id, lottery.keyword or "", lottery.opened_at)
        return None if ok else f"comment '{lottery.keyword}' in the room first"
    if lottery.entry_kind == EntryKind.LIKE:
        ok = await liked(store, lottery.session_id, visitor_id, lottery.opened_at)
        return None if ok else "like the live first (tap the heart)"
    since = lottery.purchase_since or lottery.opened_at
    ok = await bought(db, lottery.session_id, visitor_id, since)
    return None if ok else "buy something in this live first (orders paid since the draw opened count)"


async def commented(db: AsyncSession, session_id: str, visitor_id: str, keyword: str, since: datetime) -> bool:
    """Case-insensitive substring match, done here so SQLite and PostgreSQL agree."""
    stmt = (
        select(RoomComment.text)
        .where(
            col(RoomComment.session_id) == session_id,
            col(RoomComment.visitor_id) == visitor_id,
            col(RoomComment.deleted_at).is_(None),
            col(RoomComment.created_at) >= since,
        )
        .order_by(col(RoomComment.created_at).desc())
        .limit(COMMENTS_LOOKED_AT)
    )
    wanted = keyword.casefold()
    return any(wanted in text.casefold() for text in (await db.exec(stmt)).all())


async def liked(store: RoomStore | None, session_id: str, visitor_id: str, since: datetime) -> bool:
    if store is None:
        return False
    try:
        at_ms = await store.liked_at(session_id, visitor_id)
    except Exception as exc:  # Redis briefly away: say so, rather than "you did not like"
        raise ServiceUnavailable("the like counter is briefly unavailable; try again in a moment") from exc
    return at_ms is not None and at_ms >= int(since.timestamp() * 1000)


async def bought(db: AsyncSession, session_id: str, visitor_id: str, since: datetime) -> bool:
    stmt = (
        select(Order.id)
        .where(
            col(Order.session_id) == session_id,
            col(Order.visitor_id) == visitor_id,
            col(Order.state).in_([OrderState.PAID, OrderState.PARTIALLY_REFUNDED]),
            col(Order.paid_at) >= since,
        )
        .limit(1)
    )
    return (await db.exec(stmt)).first() is not None
