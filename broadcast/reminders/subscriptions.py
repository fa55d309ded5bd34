"""Subscribing to, and unsubscribing from, a scheduled session's start (one per visitor)."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import LiveSession, SessionState
from broadcast.reminders import confirmations
from broadcast.reminders.confirmations import AskPolicy
from broadcast.reminders.contacts import mask, normalise
from broadcast.reminders.models import ReminderSubscription
from broadcast.reminders.problems import SessionNotScheduled
from broadcast.reminders.schemas import ReminderCreate, ReminderPublic
from server.kernel.clock import utcnow
from server.kernel.ids import new_id
from server.kernel.problems import NotFound


def public(live: LiveSession, sub: ReminderSubscription | None) -> ReminderPublic:
    if sub is None:
        return ReminderPublic(subscribed=False, session_id=live.id, scheduled_start_at=live.scheduled_start_at)
    return ReminderPublic(
        subscribed=True,
        session_id=live.id,
        channel=sub.channel,
        address_masked=mask(sub.channel, sub.address),
        ref=sub.ref,
        scheduled_start_at=live.scheduled_start_at,
        confirmed=sub.confirmed_at is not None,
    )


class SubscriptionService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def subscribe(
        self, session_id: str, visitor_id: str, data: ReminderCreate, ref: str | None, asking: AskPolicy | None = None
    ) -> tuple[ReminderPublic, bool]:
        """(the subscription, whether it is new). A second call updates the contact in place; a new
        or changed contact is sent a confirmation (double opt-in) and is reminded only once confirmed."""
        live = await self._scheduled(session_id)
        address = normalise(data.channel, data.address)
        sub = await self._find(session_id, visitor_id)
        created = sub is None
        changed = sub is None or (sub.channel, sub.address) != (data.channel.value, address)
        if sub is None:
            sub = ReminderSubscription(
                id=new_id("rms"),
                session_id=live.id,
                brand_id=live.brand_id,
                visitor_id=visitor_id,
                channel=data.channel.value,
                address=address,
            )
        sub.channel, sub.address, sub.updated_at = data.channel.value, address, utcnow()
        sub.ref = data.ref or ref or sub.ref or None
        self.session.add(sub)
        try:
            if confirmations.needs_asking(sub, changed):
                await confirmations.ask(self.session, sub, asking or AskPolicy())
            await self.session.commit()
        except IntegrityError:  # the same visitor's twin request won the insert: update that one
            await self.session.rollback()
            return await self.subscribe(session_id, visitor_id, data, ref, asking)
        return public(live, sub), created

    async def unsubscribe(self, session_id: str, visitor_id: str) -> ReminderPublic:
        live = await self._scheduled(session_id)
        sub = await self._find(session_id, visitor_id)
        if sub is not None:  # deleting forgets the contact too: nothing is kept after a 'no'
            await self.session.delete(sub)
            await self.session.commit()
        return public(live, None)

    async def mine(self, session_id: str, visitor_id: str) -> ReminderPublic:
        live = await self._session(session_id)
        return public(live, await self._find(session_id, visitor_id))

    async def _session(self, session_id: str) -> LiveSession:
        live = await self.session.get(LiveSession, session_id)
        if live is None:
            raise NotFound.of("session", session_id)
        return live

    async def _scheduled(self, session_id: str) -> LiveSession:
        live = await self._session(session_id)
        if live.state != SessionState.SCHEDULED:
            raise SessionNotScheduled(
                f"this session is {live.state}; reminders are taken only while it is scheduled",
                extra={"state": live.state},
            )
        return live

    async def _find(self, session_id: str, visitor_id: str) -> ReminderSubscription | None:
        stmt = select(ReminderSubscription).where(
            ReminderSubscription.session_id == session_id, ReminderSubscription.visitor_id == visitor_id
        )
        return (await self.session.exec(stmt)).first()
