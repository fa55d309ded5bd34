"""A session's reminder counts for its brand. Broadcast may not import distribution, so partner
names come through a port: distribution provides a `RefResolver` (link code → partner), passed
into the stats route as a dependency; without one, every subscription counts by its raw code."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.reminders.models import (
    NotificationState,
    ReminderConfirmation,
    ReminderNotification,
    ReminderSubscription,
)
from broadcast.reminders.schemas import PartnerCount, ReminderStats
from broadcast.services.sessions import SessionService
from server.kernel.principal import Principal

# (db, brand_id, codes) → {code: (partner_id, partner name)} for the codes that are this brand's links.
RefResolver = Callable[[AsyncSession, str, list[str]], Awaitable[dict[str, tuple[str, str]]]]
S, N, C = ReminderSubscription, ReminderNotification, ReminderConfirmation


async def _by_ref(session: AsyncSession, session_id: str) -> dict[str | None, int]:
    stmt = select(S.ref, func.count()).where(S.session_id == session_id).group_by(S.ref)
    return {ref: int(n) for ref, n in (await session.exec(stmt)).all()}


async def _by_state(
    session: AsyncSession, session_id: str, model: type[ReminderNotification] | type[ReminderConfirmation] = N
) -> dict[str, int]:
    stmt = select(model.state, func.count()).where(model.session_id == session_id).group_by(model.state)
    counts = {state.value: 0 for state in NotificationState}
    counts.update({state: int(n) for state, n in (await session.exec(stmt)).all()})
    return counts


async def _confirmed(session: AsyncSession, session_id: str) -> int:
    stmt = select(func.count()).where(S.session_id == session_id, col(S.confirmed_at).is_not(None))
    return int((await session.exec(stmt)).one())


def _group(by_ref: dict[str | None, int], partners: dict[str, tuple[str, str]]) -> list[PartnerCount]:
    """Codes that are not this brand's partner links count as direct (they credit nobody)."""
    names: dict[str | None, str] = {None: "direct"}
    counts: dict[str | None, int] = {}
    for ref, n in by_ref.items():
        partner_id, name = partners.get(ref or "", (None, "direct"))
        names[partner_id] = name
        counts[partner_id] = counts.get(partner_id, 0) + n
    rows = [PartnerCount(partner_id=pid, name=names[pid], subscribed=n) for pid, n in counts.items()]
    return sorted(rows, key=lambda r: (-r.subscribed, r.name))


async def session_stats(
    session: AsyncSession, principal: Principal, session_id: str, resolver: RefResolver | None
) -> ReminderStats:
    live = await SessionService(session).get(principal, session_id)
    by_ref = await _by_ref(session, session_id)
    codes = [ref for ref in by_ref if ref]
    partners = await resolver(session, live.brand_id, codes) if resolver and codes else {}
    confirmed = await _confirmed(session, session_id)
    return ReminderStats(
        session_id=session_id,
        subscribed=sum(by_ref.values()),
        confirmed=confirmed,
        pending_confirmation=sum(by_ref.values()) - confirmed,
        by_partner=_group(by_ref, partners),
        notifications=await _by_state(session, session_id),
        confirmations=await _by_state(session, session_id, C),
    )
