"""A session's line-up: which SKUs it sells, in what order, at what live price and quantity."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import LineupItem, LiveSession, SessionState, Sku
from broadcast.moments import record_item_price
from broadcast.schemas import LineupItemCreate, LineupItemPublic
from server.kernel.clock import utcnow
from server.kernel.ids import new_id
from server.kernel.principal import Principal
from server.kernel.problems import Conflict, IllegalTransition, InvalidInput, NotFound


class LineupService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _session(self, principal: Principal, session_id: str) -> LiveSession:
        live = await self.session.get(LiveSession, session_id)
        if live is None:
            raise NotFound.of("session", session_id)
        principal.ensure_brand(live.brand_id, "session", session_id)
        return live

    async def add(self, principal: Principal, session_id: str, data: LineupItemCreate) -> LineupItemPublic:
        live = await self._session(principal, session_id)
        if live.state in (SessionState.ENDED, SessionState.CANCELLED):
            raise IllegalTransition(f"a {live.state} session's line-up can no longer change")
        sku = await self.session.get(Sku, data.sku_id)
        if sku is None or sku.brand_id != live.brand_id:
            raise InvalidInput(
                f"SKU {data.sku_id!r} is not one of this brand's SKUs",
                extra={"errors": [{"field": "sku_id", "message": "unknown SKU"}]},
            )
        if await self._item(session_id, data.sku_id):
            raise Conflict(f"SKU {data.sku_id!r} is already in the line-up")
        item = LineupItem(
            id=new_id("lnu"),
            session_id=session_id,
            sku_id=sku.id,
            position=data.position,
            live_price_minor=data.live_price_minor,
            limited_quantity=data.limited_quantity,
        )
        self.session.add(item)
        await record_item_price(self.session, live, item, sku, utcnow())  # a no-op unless the show is live
        await self.session.commit()
        return to_public(item, sku)

    async def remove(self, principal: Principal, session_id: str, sku_id: str) -> None:
        live = await self._session(principal, session_id)
        if live.state in (SessionState.ENDED, SessionState.CANCELLED):
            raise IllegalTransition(f"a {live.state} session's line-up can no longer change")
        item = await self._item(session_id, sku_id)
        if item is None:
            raise NotFound.of("line-up item", sku_id)
        await self.session.delete(item)
        if live.pinned_sku_id == sku_id:
            live.pinned_sku_id, live.pinned_at = None, None
            self.session.add(live)
        await self.session.commit()

    async def list(self, principal: Principal, session_id: str) -> list[LineupItemPublic]:
        await self._session(principal, session_id)
        return await lineup_of(self.session, session_id)

    async def _item(self, session_id: str, sku_id: str) -> LineupItem | None:
        stmt = select(LineupItem).where(LineupItem.session_id == session_id, LineupItem.sku_id == sku_id)
        return (await self.session.exec(stmt)).first()


async def lineup_of(session: AsyncSession, session_id: str, live_price: bool = True) -> list[LineupItemPublic]:
    """The line-up in display order (also used by the public live room, so no principal here);
    `live_price` False: priced as a replay past its live-price days (the list price)."""
    stmt = (
        select(LineupItem, Sku)
        .join(Sku, Sku.id == LineupItem.sku_id)  # type: ignore[arg-type]
        .where(LineupItem.session_id == session_id)
        .order_by(LineupItem.position, LineupItem.id)  # type: ignore[arg-type]
    )
    rows = (await session.exec(stmt)).all()
    return [to_public(item, sku, live_price) for item, sku in rows]


def to_public(item: LineupItem, sku: Sku, live_price: bool = True) -> LineupItemPublic:
    price = item.live_price_minor if item.live_price_minor is not None and live_price else sku.price_minor
    return LineupItemPublic(
        id=item.id,
        session_id=item.session_id,
        sku_id=sku.id,
        code=sku.code,
        title=sku.title,
        image_url=sku.image_url,
        position=item.position,
        price_minor=price,
        list_price_minor=sku.price_minor,
        live_price_minor=item.live_price_minor,
        currency=sku.currency,
        limited_quantity=item.limited_quantity,
        stock=sku.stock,
    )


async def live_sessions_selling(session: AsyncSession, sku_id: str) -> list[str]:
    """The live sessions whose line-up has this SKU (their stock gates count it)."""
    stmt = (
        select(LineupItem.session_id)
        .join(LiveSession, col(LiveSession.id) == col(LineupItem.session_id))
        .where(LineupItem.sku_id == sku_id, LiveSession.state == SessionState.LIVE)
    )
    return list((await session.exec(stmt)).all())
