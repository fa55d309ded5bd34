"""Live sessions: scheduling, going live, ending, and pinning the SKU being explained."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import Brand, LineupItem, LiveSession, PinEvent, SessionState
from broadcast.moments import record_lineup_prices
from broadcast.schemas import SessionCreate, SessionUpdate
from broadcast.transitions import check_transition
from server.kernel.clock import utcnow
from server.kernel.contracts import SessionStateChanged, SkuPinned
from server.kernel.ids import new_id
from server.kernel.outbox import emit
from server.kernel.pagination import fetch_page
from server.kernel.principal import Principal
from server.kernel.problems import IllegalTransition, InvalidInput, NotFound

STATE_TIMESTAMP = {
    SessionState.LIVE: "started_at",
    SessionState.ENDED: "ended_at",
    SessionState.CANCELLED: "cancelled_at",
}


class SessionService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(self, principal: Principal, brand_id: str, data: SessionCreate) -> LiveSession:
        principal.ensure_brand(brand_id)
        if await self.session.get(Brand, brand_id) is None:
            raise NotFound.of("brand", brand_id)
        live = LiveSession(
            id=new_id("ses"),
            brand_id=brand_id,
            title=data.title,
            cover_url=_url(data.cover_url),
            playback_url=_url(data.playback_url),
            scheduled_start_at=_aware(data.scheduled_start_at),
        )
        self.session.add(live)
        await self.session.commit()
        return live

    async def get(self, principal: Principal, session_id: str) -> LiveSession:
        live = await self.session.get(LiveSession, session_id)
        if live is None:
            raise NotFound.of("session", session_id)
        principal.ensure_brand(live.brand_id, "session", session_id)
        return live

    async def list(
        self, principal: Principal, brand_id: str, cursor: str | None, limit: int
    ) -> tuple[Sequence[LiveSession], str | None]:
        principal.ensure_brand(brand_id)
        stmt = select(LiveSession).where(LiveSession.brand_id == brand_id)
        return await fetch_page(self.session, stmt, LiveSession.id, cursor, limit)

    async def update(self, principal: Principal, session_id: str, data: SessionUpdate) -> LiveSession:
        live = await self.get(principal, session_id)
        if live.state in (SessionState.ENDED, SessionState.CANCELLED):
            raise IllegalTransition(f"a {live.state} session can no longer be edited")
        for field, value in data.model_dump(exclude_unset=True, exclude_none=True).items():
            setattr(live, field, _aware(value) if isinstance(value, datetime) else _url(value))
        self.session.add(live)
        await self.session.commit()
        return live

    async def transition(self, principal: Principal, session_id: str, target: SessionState) -> LiveSession:
        live = await self.get(principal, session_id)
        if target is SessionState.REPLAY:
            raise InvalidInput(
                f"a session becomes a replay when its recording is attached: PUT /api/v1/sessions/{session_id}/replay",
                extra={"errors": [{"field": "state", "message": "attach a recording instead"}]},
            )
        check_transition(SessionState(live.state), target)
        now = utcnow()
        live.state = target
        setattr(live, STATE_TIMESTAMP[target], now)
        if target is not SessionState.LIVE:
            live.pinned_sku_id, live.pinned_at = None, None
        else:  # the replay's card starts from the prices shown at the go-live
            await record_lineup_prices(self.session, live, now)
        self.session.add(live)
        emit(
            self.session,
            SessionStateChanged(session_id=live.id, brand_id=live.brand_id, state=target.value, at=now),
            live.id,
        )
        await self.session.commit()
        return live

    async def pin(self, principal: Principal, session_id: str, sku_id: str | None) -> PinEvent:
        live = await self.get(principal, session_id)
        if live.state != SessionState.LIVE:
            raise IllegalTransition(f"only a live session can pin; this one is {live.state}")
        if sku_id is not None and not await self._in_lineup(session_id, sku_id):
            raise InvalidInput(
                f"SKU {sku_id!r} is not in this session's line-up; add it first",
                extra={"errors": [{"field": "sku_id", "message": "not in the line-up"}]},
            )
        now = utcnow()
        live.pinned_sku_id, live.pinned_at = sku_id, (now if sku_id else None)
        pin = PinEvent(
            id=new_id("pin"), session_id=session_id, sku_id=sku_id, pinned_at=now, by_token_id=principal.token_id
        )
        self.session.add_all([live, pin])
        emit(self.session, SkuPinned(session_id=live.id, brand_id=live.brand_id, sku_id=sku_id, at=now), live.id)
        await self.session.commit()
        return pin

    async def pins(
        self, principal: Principal, session_id: str, cursor: str | None, limit: int
    ) -> tuple[Sequence[PinEvent], str | None]:
        await self.get(principal, session_id)
        stmt = select(PinEvent).where(PinEvent.session_id == session_id)
        return await fetch_page(self.session, stmt, PinEvent.id, cursor, limit)

    async def _in_lineup(self, session_id: str, sku_id: str) -> bool:
        stmt = select(LineupItem.id).where(LineupItem.session_id == session_id, LineupItem.sku_id == sku_id)
        return (await self.session.exec(stmt)).first() is not None


def _url(value: object) -> str | None:
    return None if value is None else str(value)


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise InvalidInput(
            "scheduled_start_at needs a time zone (e.g. 2026-11-24T20:00:00+08:00)",
            extra={"errors": [{"field": "scheduled_start_at", "message": "naive datetime"}]},
        )
    return value.astimezone(UTC)
