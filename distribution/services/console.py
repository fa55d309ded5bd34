"""What the partner console and the brand's partner view show (read models for the pages)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import Brand, LiveSession, SessionState
from distribution.models import Link, Partner, PartnerDevice, Partnership, PartnershipState
from distribution.services.links import link_public

SESSION_ORDER = {SessionState.LIVE: 0, SessionState.SCHEDULED: 1, SessionState.ENDED: 2, SessionState.CANCELLED: 3}


@dataclass
class PartnerConsole:
    partner: Partner
    partnerships: list[tuple[Partnership, Brand]] = field(default_factory=list)
    links: list[Any] = field(default_factory=list)
    sessions: list[LiveSession] = field(default_factory=list)


async def partner_console(session: AsyncSession, partner_id: str, base_url: str) -> PartnerConsole | None:
    partner = await session.get(Partner, partner_id)
    if partner is None:
        return None
    console = PartnerConsole(partner)
    stmt = (
        select(Partnership, Brand)
        .join(Brand, col(Brand.id) == Partnership.brand_id)
        .where(Partnership.partner_id == partner_id)
        .order_by(col(Partnership.id))
    )
    console.partnerships = [(ship, brand) for ship, brand in (await session.exec(stmt)).all()]
    links = (await session.exec(select(Link).where(Link.partner_id == partner_id).order_by(col(Link.id).desc()))).all()
    console.links = [link_public(link, base_url) for link in links]
    approved = [brand.id for ship, brand in console.partnerships if ship.state == PartnershipState.APPROVED]
    console.sessions = await sessions_of(session, approved)
    return console


async def sessions_of(session: AsyncSession, brand_ids: list[str]) -> list[LiveSession]:
    """Live first, then scheduled, then the most recent ended ones."""
    if not brand_ids:
        return []
    stmt = select(LiveSession).where(col(LiveSession.brand_id).in_(brand_ids)).order_by(col(LiveSession.id).desc())
    rows = list((await session.exec(stmt.limit(50))).all())
    return sorted(rows, key=lambda s: SESSION_ORDER.get(SessionState(s.state), 9))


async def remember_device(session: AsyncSession, partner_id: str, visitor_id: str | None) -> None:
    """The partner's own browser: orders from it are self-referrals (see attribution/buyer.py)."""
    if not visitor_id or await session.get(PartnerDevice, (partner_id, visitor_id)) is not None:
        return
    session.add(PartnerDevice(partner_id=partner_id, visitor_id=visitor_id[:64]))
    await session.commit()
