"""What the public sees of a lottery: the API shapes, the proof and the room messages. The seed
appears only once the lottery is closed; visitor ids never appear."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.lottery.models import Lottery, LotteryEntry, LotteryState
from broadcast.lottery.schemas import LotteryPublic, ProofPublic, WinnerPublic


def entry_rule(lottery: Lottery) -> dict[str, str | None]:
    if lottery.entry_kind == "comment_keyword":
        return {"kind": "comment_keyword", "keyword": lottery.keyword}
    if lottery.entry_kind == "purchase":
        since = lottery.purchase_since
        return {"kind": "purchase", "since": since.isoformat() if since else None}
    return {"kind": lottery.entry_kind}


def revealed_seed(lottery: Lottery) -> str | None:
    return lottery.seed_hex if lottery.state == LotteryState.CLOSED else None


async def winners_of(db: AsyncSession, lottery_id: str) -> list[WinnerPublic]:
    stmt = (
        select(LotteryEntry)
        .where(col(LotteryEntry.lottery_id) == lottery_id, col(LotteryEntry.rank).is_not(None))
        .order_by(col(LotteryEntry.rank))
    )
    return [WinnerPublic(rank=e.rank or 0, handle=e.handle, name=e.display_name) for e in (await db.exec(stmt)).all()]


async def entrant_count(db: AsyncSession, lottery: Lottery) -> int:
    if lottery.entrant_count is not None:
        return lottery.entrant_count
    stmt = select(func.count()).select_from(LotteryEntry).where(col(LotteryEntry.lottery_id) == lottery.id)
    return int((await db.exec(stmt)).one())


async def public(db: AsyncSession, lottery: Lottery) -> LotteryPublic:
    return LotteryPublic(
        id=lottery.id,
        session_id=lottery.session_id,
        state=lottery.state,
        prize=lottery.prize,
        winners_count=lottery.winners_count,
        entry_rule=entry_rule(lottery),
        rule=lottery.rule,
        seed_sha256=lottery.seed_sha256,
        seed=revealed_seed(lottery),
        opened_at=lottery.opened_at,
        closes_at=lottery.closes_at,
        closed_at=lottery.closed_at,
        entrant_count=await entrant_count(db, lottery),
        winners=await winners_of(db, lottery.id),
    )


async def proof(db: AsyncSession, lottery: Lottery) -> ProofPublic:
    closed = lottery.state == LotteryState.CLOSED
    handles = None
    if closed:
        stmt = select(LotteryEntry.handle).where(col(LotteryEntry.lottery_id) == lottery.id)
        handles = sorted((await db.exec(stmt)).all())
    return ProofPublic(
        lottery_id=lottery.id,
        state=lottery.state,
        rule=lottery.rule,
        seed_sha256=lottery.seed_sha256,
        seed=revealed_seed(lottery),
        winners_count=lottery.winners_count,
        entrants=handles,
        entrants_sha256=lottery.entrants_sha256,
        winners=[w.handle for w in await winners_of(db, lottery.id)] if closed else None,
    )


def room_message_open(lottery: Lottery) -> dict[str, Any]:
    return {
        "type": "lottery",
        "state": "open",
        "id": lottery.id,
        "prize": lottery.prize,
        "winners": lottery.winners_count,
        "entry_rule": entry_rule(lottery),
        "seed_sha256": lottery.seed_sha256,
        "rule": lottery.rule,
        "closes_at": lottery.closes_at.isoformat() if lottery.closes_at else None,
    }


def room_message_closed(lottery: Lottery, winners: list[WinnerPublic]) -> dict[str, Any]:
    return {
        "type": "lottery",
        "state": "closed",
        "id": lottery.id,
        "prize": lottery.prize,
        "winners_count": lottery.winners_count,
        "entry_rule": entry_rule(lottery),
        "winners": [w.model_dump() for w in winners],
        "seed": lottery.seed_hex,
        "seed_sha256": lottery.seed_sha256,
        "rule": lottery.rule,
        "entrant_count": lottery.entrant_count,
        "entrants_sha256": lottery.entrants_sha256,
        "proof_url": f"/api/v1/lotteries/{lottery.id}/proof",
    }
