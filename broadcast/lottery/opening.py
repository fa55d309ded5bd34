"""Opening a draw: the brand commits to a secret seed by publishing its SHA-256 first."""

from __future__ import annotations

import secrets

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.lottery import draw
from broadcast.lottery.closing import close_if_due
from broadcast.lottery.models import EntryKind, Lottery, LotteryState
from broadcast.lottery.problems import LotteryAlreadyOpen
from broadcast.lottery.schemas import CommentKeywordRule, LotteryCreate, PurchaseRule
from broadcast.lottery.views import room_message_open
from broadcast.models import LiveSession, SessionState
from broadcast.transitions import SessionNotLive
from server.kernel.clock import as_utc, utcnow
from server.kernel.contracts import LotteryOpened
from server.kernel.ids import new_id
from server.kernel.outbox import emit
from server.kernel.principal import Principal
from server.kernel.problems import InvalidInput, NotFound


async def live_session_of(db: AsyncSession, principal: Principal, session_id: str) -> LiveSession:
    live = await db.get(LiveSession, session_id)
    if live is None:
        raise NotFound.of("session", session_id)
    principal.ensure_brand(live.brand_id, "session", session_id)
    return live


def _new_lottery(live: LiveSession, data: LotteryCreate) -> Lottery:
    now, seed = utcnow(), secrets.token_bytes(draw.SEED_BYTES)
    rule = data.entry_rule
    since = rule.since if isinstance(rule, PurchaseRule) else None
    return Lottery(
        id=new_id("lot"),
        session_id=live.id,
        brand_id=live.brand_id,
        open_session_id=live.id,
        state=LotteryState.OPEN,
        prize=data.prize,
        winners_count=data.winners,
        entry_kind=EntryKind(rule.kind),
        keyword=rule.keyword if isinstance(rule, CommentKeywordRule) else None,
        purchase_since=as_utc(since) if since else (now if rule.kind == "purchase" else None),
        rule=draw.RULE,
        seed_hex=seed.hex(),
        seed_sha256=draw.seed_sha256(seed),
        opened_at=now,
        closes_at=as_utc(data.closes_at) if data.closes_at else None,
    )


async def open_lottery(db: AsyncSession, principal: Principal, session_id: str, data: LotteryCreate) -> Lottery:
    live = await live_session_of(db, principal, session_id)
    if live.state != SessionState.LIVE:
        raise SessionNotLive(f"the session is {live.state}; open a lottery while it is live")
    if data.closes_at is not None and as_utc(data.closes_at) <= utcnow():
        raise InvalidInput("closes_at must be in the future")
    await _ensure_none_open(db, session_id)
    lottery = _new_lottery(live, data)
    db.add(lottery)
    emit(
        db, LotteryOpened(session_id=session_id, lottery_id=lottery.id, message=room_message_open(lottery)), lottery.id
    )
    try:
        await db.commit()
    except IntegrityError:  # a concurrent open won the unique open_session_id
        await db.rollback()
        raise LotteryAlreadyOpen("close the open lottery before opening another") from None
    return lottery


async def _ensure_none_open(db: AsyncSession, session_id: str) -> None:
    current = (await db.exec(select(Lottery).where(col(Lottery.open_session_id) == session_id))).first()
    if current is not None and not await close_if_due(db, current):
        raise LotteryAlreadyOpen(
            f"lottery {current.id} is still open; close it first", extra={"lottery_id": current.id}
        )
