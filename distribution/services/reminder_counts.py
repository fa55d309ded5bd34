"""Pre-live reminders seen from the distribution end: broadcast stores the link code (`ref`) a
viewer subscribed through; here codes become partners. Counts only the partner's own links
(a guide's links count for the guide)."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import LiveSession
from broadcast.reminders.models import ReminderSubscription
from broadcast.reminders.schemas import PartnerSessionCount
from distribution.models import Link, Partner
from distribution.services.partners import PartnerService
from server.kernel.principal import Principal

S = ReminderSubscription


async def resolve_refs(session: AsyncSession, brand_id: str, codes: list[str]) -> dict[str, tuple[str, str]]:
    """The `RefResolver` broadcast's reminder stats use: {code: (partner id, name)} for this brand's links."""
    stmt = (
        select(Link.code, Partner.id, Partner.name)
        .join(Partner, col(Partner.id) == Link.partner_id)
        .where(Link.brand_id == brand_id, col(Link.code).in_(codes))
    )
    return {code: (pid, name) for code, pid, name in (await session.exec(stmt)).all()}


async def partner_session_counts(
    session: AsyncSession, principal: Principal, partner_id: str
) -> list[PartnerSessionCount]:
    await PartnerService(session).get(principal, partner_id)  # 404 for another partner
    codes = select(Link.code).where(Link.partner_id == partner_id)
    stmt = (
        select(LiveSession, func.count(col(S.id)))
        .join(S, col(S.session_id) == LiveSession.id)
        .where(col(S.ref).in_(codes))
        .group_by(col(LiveSession.id))
        .order_by(col(LiveSession.scheduled_start_at).desc())
    )
    rows = (await session.exec(stmt)).all()
    return [
        PartnerSessionCount(
            session_id=live.id,
            title=live.title,
            state=live.state,
            scheduled_start_at=live.scheduled_start_at,
            subscribed=int(n),
        )
        for live, n in rows
    ]
