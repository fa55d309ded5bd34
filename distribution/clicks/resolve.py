"""From a public code to where the visitor goes and whom the click belongs to, cached briefly
per process so the redirect rarely touches the database. A brand's decision (suspending a
partner) reaches the redirect within `link_cache_seconds`; attribution itself always re-checks
the partnership when the order is paid."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import LineupItem, LiveSession, SessionState
from distribution.models import Link, LinkTarget, Partnership, PartnershipState
from server.kernel.cookies import REF_PARAM

CODE_SHAPE = re.compile(r"^[A-Za-z0-9_-]{6,24}$")
MAX_ENTRIES = 50_000


@dataclass(frozen=True)
class ResolvedLink:
    link_id: str
    partner_id: str
    brand_id: str
    session_id: str | None
    location: str
    attributes: bool  # False: the partnership is not approved; send the visitor on, record nothing


class LinkResolver:
    def __init__(self, ttl_s: float) -> None:
        self.ttl_s = ttl_s
        self.cache: dict[str, tuple[float, ResolvedLink | None]] = {}

    async def resolve(self, state: Any, code: str) -> ResolvedLink | None:
        if not CODE_SHAPE.match(code):
            return None
        now = time.monotonic()
        hit = self.cache.get(code)
        if hit is not None and hit[0] > now:
            return hit[1]
        async with state.sessionmaker() as session:
            resolved = await resolve_code(session, code)
        if len(self.cache) >= MAX_ENTRIES:  # random codes must not grow memory without bound
            self.cache.clear()
        self.cache[code] = (now + self.ttl_s, resolved)
        return resolved


def shared_resolver(state: Any) -> LinkResolver:
    """The app's one resolver (one cache for the redirect and the room's ref check)."""
    resolver = getattr(state, "link_resolver", None)
    if resolver is None:
        resolver = state.link_resolver = LinkResolver(state.settings.link_cache_seconds)
    return resolver


async def resolve_code(session: AsyncSession, code: str) -> ResolvedLink | None:
    link = (await session.exec(select(Link).where(Link.code == code))).first()
    if link is None:
        return None
    partnership = (
        await session.exec(
            select(Partnership).where(Partnership.brand_id == link.brand_id, Partnership.partner_id == link.partner_id)
        )
    ).first()
    approved = partnership is not None and partnership.state == PartnershipState.APPROVED
    session_id = await _target_session(session, link)
    return ResolvedLink(
        link_id=link.id,
        partner_id=link.partner_id,
        brand_id=link.brand_id,
        session_id=session_id,
        location=_location(link, session_id, approved),
        attributes=approved,
    )


async def _target_session(session: AsyncSession, link: Link) -> str | None:
    """A session link goes to its session; SKU and storefront links to the brand's live session
    (with the SKU in its line-up, for a SKU link), else its next scheduled one."""
    if link.target == LinkTarget.SESSION:
        return link.session_id
    stmt = select(LiveSession).where(
        LiveSession.brand_id == link.brand_id, col(LiveSession.state).in_([SessionState.LIVE, SessionState.SCHEDULED])
    )
    if link.target == LinkTarget.SKU:
        stmt = stmt.join(LineupItem, col(LineupItem.session_id) == col(LiveSession.id)).where(
            LineupItem.sku_id == link.sku_id
        )
    rows = (await session.exec(stmt)).all()
    rows = sorted(rows, key=lambda s: (s.state != SessionState.LIVE, s.scheduled_start_at))
    return rows[0].id if rows else None


def _location(link: Link, session_id: str | None, approved: bool) -> str:
    if session_id is None:
        return "/"
    query: dict[str, str] = {REF_PARAM: link.code} if approved else {}
    if link.target == LinkTarget.SKU and link.sku_id:
        query["sku"] = link.sku_id
    return f"/live/{session_id}" + (f"?{urlencode(query)}" if query else "")
