"""Opening and joining a group. A seat is taken with one conditional UPDATE (never read-then-
write), so the last seat goes to exactly one buyer however many try at once; the seat, its order
and its held unit commit together or not at all. A retried request (same `Idempotency-Key`)
answers the same seat and order."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout import catalog
from broadcast.checkout.gateway import DISABLED, PaymentGateway
from broadcast.checkout.models import Order
from broadcast.groupbuy import lifecycle, ordering
from broadcast.groupbuy.models import Group, GroupMember, GroupOffer, GroupState
from broadcast.groupbuy.ordering import Buyer
from broadcast.groupbuy.problems import AlreadyInGroup, GroupExpired, GroupFull, OfferInactive
from broadcast.groupbuy.views import clean_ref
from server.kernel.clock import as_utc, utcnow
from server.kernel.ids import new_id
from server.kernel.problems import NotFound, ServiceUnavailable

G = lifecycle.GROUPS


class GroupService:
    def __init__(self, session: AsyncSession, gateway: PaymentGateway | None, reservation_minutes: float = 10) -> None:
        self.session = session
        self.gateway = gateway
        self.reservation_minutes = reservation_minutes

    async def open(self, session_id: str, offer_id: str, buyer: Buyer, ref: str | None) -> tuple[Group, Order]:
        """The seat and its order (unit held); the PaymentIntent comes when the buyer presses Pay."""
        self._gateway()
        order = await ordering.by_key(self.session, session_id, buyer)
        if order is None:
            order = await self._atomically(self._open(session_id, offer_id, buyer, ref), session_id, buyer)
        return await self._group_of(order), order

    async def join(self, code: str, buyer: Buyer) -> tuple[Group, Order]:
        self._gateway()
        group = await self.by_code(code)
        order = await ordering.by_key(self.session, group.session_id, buyer)
        if order is None:
            order = await self._atomically(self._join(group, buyer), group.session_id, buyer)
        return await self._group_of(order), order

    async def by_code(self, code: str) -> Group:
        group = (await self.session.exec(select(Group).where(Group.code == code[:24]))).first()
        if group is None:
            raise NotFound.of("group", code)
        return group

    async def _open(self, session_id: str, offer_id: str, buyer: Buyer, ref: str | None) -> Order:
        # the holders' locks before any row lock: closing a lapsed seat takes SKU rows without them
        await buyer.hold_guard.lock_holders(self.session, session_id, buyer.visitor_id)
        offer = await self._active_offer(session_id, offer_id)
        found = await catalog.offer(self.session, session_id, offer.sku_id)
        now = utcnow()
        group = Group(
            id=new_id("grp"),
            code=secrets.token_urlsafe(9),
            offer_id=offer.id,
            session_id=session_id,
            brand_id=offer.brand_id,
            group_size=offer.group_size,
            seats_taken=1,
            ref=clean_ref(ref),
            opener_visitor_id=buyer.visitor_id,
            expires_at=now + timedelta(minutes=offer.window_minutes),
            created_at=now,
        )
        self.session.add(group)
        await self.session.flush()
        order = await self._seat(group, offer, found, buyer)
        await lifecycle.announce(self.session, group, "GroupOpened")
        return order

    async def _join(self, group: Group, buyer: Buyer) -> Order:
        await buyer.hold_guard.lock_holders(self.session, group.session_id, buyer.visitor_id)
        offer = await self._active_offer(group.session_id, group.offer_id)
        found = await catalog.offer(self.session, group.session_id, offer.sku_id)
        await self._not_seated(group, buyer)
        await lifecycle.release_lapsed_seats(self.session, group)
        taken = await self.session.execute(
            sa.update(G)
            .where(
                G.c.id == group.id,
                G.c.seats_taken < G.c.group_size,
                G.c.state == GroupState.OPEN,
                G.c.expires_at > utcnow(),
            )
            .values(seats_taken=G.c.seats_taken + 1),
            execution_options=lifecycle.NO_SYNC,
        )
        await self.session.refresh(group)
        if taken.rowcount != 1:  # type: ignore[attr-defined]
            raise self._why_no_seat(group)
        order = await self._seat(group, offer, found, buyer)
        await lifecycle.announce(self.session, group, "GroupSeatsChanged")
        return order

    async def _seat(self, group: Group, offer: GroupOffer, found: catalog.Offer, buyer: Buyer) -> Order:
        order = await ordering.seat_order(self.session, offer, found, buyer, self.reservation_minutes)
        self.session.add(
            GroupMember(
                id=new_id("gbm"), group_id=group.id, visitor_id=buyer.visitor_id, order_id=order.id, joined_at=utcnow()
            )
        )
        try:
            await self.session.flush()
        except IntegrityError:  # the same visitor took a seat here concurrently
            raise AlreadyInGroup("you already hold a seat in this group") from None
        return order

    async def _atomically(self, work: Awaitable[Order], session_id: str, buyer: Buyer) -> Order:
        """Commit the seat, or roll everything back; a concurrent retry's order is the answer."""
        try:
            order = await work
            await self.session.commit()
            return order
        except IntegrityError:
            await self.session.rollback()
            twin = await ordering.by_key(self.session, session_id, buyer)
            if twin is None:
                raise
            return twin
        except BaseException:
            await self.session.rollback()
            raise

    async def _active_offer(self, session_id: str, offer_id: str) -> GroupOffer:
        offer = await self.session.get(GroupOffer, offer_id)
        if offer is None or offer.session_id != session_id:
            raise NotFound.of("group offer", offer_id)
        if not offer.active:
            raise OfferInactive("this group offer has ended; no group can be opened or joined")
        return offer

    async def _not_seated(self, group: Group, buyer: Buyer) -> None:
        stmt = select(GroupMember.id).where(
            GroupMember.group_id == group.id,
            GroupMember.visitor_id == buyer.visitor_id,
            GroupMember.released_at.is_(None),  # type: ignore[union-attr]
        )
        if (await self.session.exec(stmt)).first() is not None:
            raise AlreadyInGroup("you already hold a seat in this group")

    @staticmethod
    def _why_no_seat(group: Group) -> GroupFull | GroupExpired:
        if group.state == GroupState.EXPIRED or as_utc(group.expires_at) <= utcnow():
            return GroupExpired(
                "this group's time has run out", extra={"expires_at": as_utc(group.expires_at).isoformat()}
            )
        return GroupFull(
            f"all {group.group_size} seats of this group are taken", extra={"group_size": group.group_size}
        )

    async def _group_of(self, order: Order) -> Group:
        stmt = (
            select(Group)
            .join(GroupMember, GroupMember.group_id == Group.id)  # type: ignore[arg-type]
            .where(GroupMember.order_id == order.id)
        )
        group = (await self.session.exec(stmt.execution_options(populate_existing=True))).first()
        if group is None:  # the key was used for a checkout, not a seat
            raise NotFound.of("group seat", order.id)
        return group

    def _gateway(self) -> PaymentGateway:
        if self.gateway is None:
            raise ServiceUnavailable(DISABLED)
        return self.gateway
