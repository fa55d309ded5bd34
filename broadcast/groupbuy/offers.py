"""The brand's group offers: a line-up SKU at a group price for N buyers within T minutes."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout import catalog
from broadcast.groupbuy.models import Group, GroupOffer
from broadcast.groupbuy.schemas import GroupCounts, GroupOfferCreate, GroupOfferPublic
from broadcast.models import LineupItem, LiveSession, Sku
from server.kernel.clock import utcnow
from server.kernel.ids import new_id
from server.kernel.principal import Principal
from server.kernel.problems import InvalidInput, NotFound


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(f"{field}: {message}", extra={"errors": [{"field": field, "message": message}]})


class GroupOfferService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(self, principal: Principal, session_id: str, data: GroupOfferCreate) -> GroupOffer:
        live = await self._session_of(principal, session_id)
        offer = await catalog.offer(self.session, session_id, data.sku_id)
        price = offer.unit_price_minor
        if data.currency is not None and data.currency != offer.sku.currency:
            raise _invalid("currency", f"the SKU is sold in {offer.sku.currency}")
        if data.group_price_minor >= price:
            raise _invalid("group_price_minor", f"must be below the SKU's price in this session ({price})")
        now = utcnow()
        row = GroupOffer(
            id=new_id("gbo"),
            brand_id=live.brand_id,
            session_id=session_id,
            sku_id=data.sku_id,
            group_price_minor=data.group_price_minor,
            currency=offer.sku.currency,
            group_size=data.group_size,
            window_minutes=data.window_minutes,
            active=data.active,
            created_at=now,
            updated_at=now,
        )
        self.session.add(row)
        await self.session.commit()
        return row

    async def deactivate(self, principal: Principal, session_id: str, offer_id: str) -> GroupOffer:
        await self._session_of(principal, session_id)
        offer = await self.session.get(GroupOffer, offer_id)
        if offer is None or offer.session_id != session_id:
            raise NotFound.of("group offer", offer_id)
        offer.active, offer.updated_at = False, utcnow()
        self.session.add(offer)
        await self.session.commit()
        return offer

    async def listed(self, session_id: str, only_active: bool) -> Sequence[GroupOffer]:
        if await self.session.get(LiveSession, session_id) is None:
            raise NotFound.of("session", session_id)
        stmt = select(GroupOffer).where(GroupOffer.session_id == session_id)
        if only_active:
            stmt = stmt.where(col(GroupOffer.active).is_(True))
        return (await self.session.exec(stmt.order_by(col(GroupOffer.id)))).all()

    async def managed(self, principal: Principal, session_id: str) -> Sequence[GroupOffer]:
        await self._session_of(principal, session_id)
        return await self.listed(session_id, only_active=False)

    async def public(self, offer: GroupOffer) -> GroupOfferPublic:
        title, price = await self._sku_view(offer)
        stmt = (
            sa.select(col(Group.state), sa.func.count())
            .where(col(Group.offer_id) == offer.id)
            .group_by(col(Group.state))
        )
        counts = {state: int(n) for state, n in (await self.session.execute(stmt)).all()}
        return GroupOfferPublic(
            id=offer.id,
            session_id=offer.session_id,
            sku_id=offer.sku_id,
            title=title,
            price_minor=price,
            group_price_minor=offer.group_price_minor,
            currency=offer.currency,
            group_size=offer.group_size,
            window_minutes=offer.window_minutes,
            active=offer.active,
            groups=GroupCounts(**counts),
            created_at=offer.created_at,
        )

    async def _sku_view(self, offer: GroupOffer) -> tuple[str, int]:
        """(title, price one buyer pays alone); still readable if the SKU left the line-up since."""
        sku = await self.session.get(Sku, offer.sku_id)
        item = (
            await self.session.exec(
                select(LineupItem).where(LineupItem.session_id == offer.session_id, LineupItem.sku_id == offer.sku_id)
            )
        ).first()
        assert sku is not None
        live_price = item.live_price_minor if item is not None else None
        return sku.title, live_price if live_price is not None else sku.price_minor

    async def _session_of(self, principal: Principal, session_id: str) -> LiveSession:
        live = await self.session.get(LiveSession, session_id)
        if live is None:
            raise NotFound.of("session", session_id)
        principal.ensure_brand(live.brand_id, "session", session_id)
        return live
