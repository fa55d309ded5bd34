"""HTTP: the brand opens and closes draws (tokens, tenant-checked); viewers enter with their
visitor cookie; anyone reads the current draw and its proof. Thin: one service call each."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.liveroom.runtime import LiveRoom
from broadcast.lottery import views
from broadcast.lottery.closing import close_if_due, close_lottery
from broadcast.lottery.entering import enter, my_entry
from broadcast.lottery.lookup import lottery_of
from broadcast.lottery.models import Lottery
from broadcast.lottery.opening import live_session_of, open_lottery
from broadcast.lottery.schemas import (
    EntryPublic,
    LotteryCreate,
    LotteryCurrent,
    LotteryPublic,
    MyEntryPublic,
    ProofPublic,
)
from server.kernel.cookies import respond, visitor_id
from server.kernel.principal import Principal, Role
from server.kernel.routing import PUBLIC, roles

A, B = Role.ADMIN, Role.BRAND
AnyRequest = Request[Any, Any, Any]


def _store(request: AnyRequest) -> Any:
    room: LiveRoom | None = getattr(request.app.state, "liveroom", None)
    return room.store if room is not None else None


class LotteryController(Controller):
    path = "/api/v1"
    tags = ["lotteries (抽奖)"]

    @post("/sessions/{session_id:str}/lotteries", opt=roles(A, B), summary="Open a draw (publishes the seed's hash)")
    async def open(self, db: AsyncSession, principal: Principal, session_id: str, data: LotteryCreate) -> LotteryPublic:
        return await views.public(db, await open_lottery(db, principal, session_id, data))

    @post(
        "/sessions/{session_id:str}/lotteries/{lottery_id:str}/close",
        opt=roles(A, B),
        status_code=200,
        summary="Close and draw (closing a closed draw returns it unchanged)",
    )
    async def close(self, db: AsyncSession, principal: Principal, session_id: str, lottery_id: str) -> LotteryPublic:
        await live_session_of(db, principal, session_id)
        await lottery_of(db, lottery_id, session_id)
        return await views.public(db, await close_lottery(db, lottery_id))

    @get("/sessions/{session_id:str}/lotteries", opt=PUBLIC, summary="The open draw, else the last one")
    async def current(self, db: AsyncSession, session_id: str) -> LotteryCurrent:
        stmt = (
            select(Lottery)
            .where(col(Lottery.session_id) == session_id)
            .order_by(col(Lottery.opened_at).desc(), col(Lottery.id).desc())
            .limit(1)
        )
        lottery = (await db.exec(stmt)).first()
        if lottery is not None:
            await close_if_due(db, lottery)
        return LotteryCurrent(lottery=await views.public(db, lottery) if lottery else None)

    @post(
        "/sessions/{session_id:str}/lotteries/{lottery_id:str}/entries",
        opt=PUBLIC,
        status_code=200,
        summary="Enter the draw (visitor cookie; entering again returns the same entry)",
    )
    async def enter(
        self, db: AsyncSession, request: AnyRequest, session_id: str, lottery_id: str
    ) -> Response[EntryPublic]:
        vid, new = visitor_id(request)
        entry = await enter(db, _store(request), session_id, lottery_id, vid)
        return respond(EntryPublic(lottery_id=lottery_id, handle=entry.handle, entered_at=entry.created_at), vid, new)

    @get(
        "/sessions/{session_id:str}/lotteries/{lottery_id:str}/entries/me",
        opt=PUBLIC,
        summary="Whether this visitor entered, and won",
    )
    async def mine(self, db: AsyncSession, request: AnyRequest, session_id: str, lottery_id: str) -> MyEntryPublic:
        return await my_entry(db, session_id, lottery_id, visitor_id(request)[0])

    @get("/lotteries/{lottery_id:str}/proof", opt=PUBLIC, summary="Everything needed to re-check the draw")
    async def proof(self, db: AsyncSession, lottery_id: str) -> ProofPublic:
        lottery = await lottery_of(db, lottery_id)
        await close_if_due(db, lottery)
        return await views.proof(db, lottery)
