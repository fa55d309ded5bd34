"""From a public code to where the visitor goes and whom the click belongs to, cached briefly
per process so the redirect rarely touches the database. A brand's decision (suspending a
partner) reaches the redirect within `link_cache_seconds`; attribution itself always re-checks
the partnership when the order is paid.

Made for the moment a partner posts its link and thousands open it at once: a code missing from
the cache is looked up once, however many requests ask for it meanwhile (they all wait on the one
lookup, which finishes even if the request that started it goes away), and when the lookup fails
(the database away or its pool exhausted by a flash sale) an expired entry is still served rather
than a 503 — the visitor gets where the link went a moment ago, and the click is kept."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable
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


Entry = tuple[float, "ResolvedLink | None"]  # (fresh until, what the code leads to)
LookUp = Callable[[Any, str], Awaitable["ResolvedLink | None"]]


async def look_up(state: Any, code: str) -> ResolvedLink | None:
    async with state.sessionmaker() as session:
        return await resolve_code(session, code)


class LinkResolver:
    def __init__(self, ttl_s: float, lookup: LookUp = look_up) -> None:
        self.ttl_s = ttl_s
        self.lookup = lookup
        self.cache: dict[str, Entry] = {}
        self._pending: dict[str, asyncio.Task[ResolvedLink | None]] = {}

    async def resolve(self, state: Any, code: str) -> ResolvedLink | None:
        if not CODE_SHAPE.match(code):
            return None
        hit = self.cache.get(code)
        if hit is not None and hit[0] > time.monotonic():
            return hit[1]
        try:
            return await asyncio.shield(self._lookup_once(state, code))
        except Exception:
            if hit is None:
                raise
            return hit[1]  # stale beats a 503 while the database cannot answer

    def _lookup_once(self, state: Any, code: str) -> asyncio.Task[ResolvedLink | None]:
        task = self._pending.get(code)
        if task is None:
            task = self._pending[code] = asyncio.ensure_future(self.lookup(state, code))
            task.add_done_callback(lambda done: self._settle(code, done))
        return task

    def _settle(self, code: str, done: asyncio.Task[ResolvedLink | None]) -> None:
        self._pending.pop(code, None)
        if done.cancelled() or done.exception() is not None:  # retrieved: no "never retrieved" noise
            return
        if len(self.cache) >= MAX_ENTRIES:  # random codes must not grow memory without bound
            self.cache.clear()
        self.cache[code] = (time.monotonic() + self.ttl_s, done.result())


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
