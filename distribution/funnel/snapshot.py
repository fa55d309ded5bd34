"""A session's partner funnel: clicks → viewers → likes → cart adds → orders → GMV → estimated
commission, per link and per partner. A partner sees only its own rows; the brand sees all."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.liveroom.funnel import ref_counts
from broadcast.models import Brand, LiveSession
from broadcast.schemas import BrandSettings
from distribution.funnel.changes import changes_of
from distribution.funnel.ended_cache import ended_cache
from distribution.funnel.replay import add_replay
from distribution.models import (
    FunnelLinkClicks,
    FunnelOrder,
    FunnelOrderGroup,
    Link,
    Partner,
    Partnership,
    PartnershipState,
)
from distribution.schemas import FunnelOrderPublic, FunnelRow, FunnelSnapshot
from server.kernel.money import apply_rate
from server.kernel.principal import Principal, Role
from server.kernel.problems import NotFound

# Standings that see their own funnel rows: approved, and suspended (its past orders still count).
SEES_FUNNEL = (PartnershipState.APPROVED.value, PartnershipState.SUSPENDED.value)
COUNTS = ("clicks", "viewers", "likes", "cart_adds", "orders", "gmv_minor", "commission_estimate_minor")
RECENT_ORDERS = 20
ENDED = "ended"


@dataclass(frozen=True, slots=True)
class OrderGroup:
    """Orders of one partner and link with the same earning flag and net amount."""

    partner_id: str
    link_id: str | None
    earns: bool
    net_minor: int
    orders: int


class FunnelService:
    def __init__(self, session: AsyncSession, state: Any) -> None:
        self.session, self.state = session, state

    async def snapshot(self, principal: Principal, session_id: str) -> FunnelSnapshot:
        live, brand = await self._session(session_id)
        only = await self._scope(principal, live)
        key, version = (session_id, only), await self._version(live)
        if version is not None and isinstance(hit := ended_cache.get(key, version), FunnelSnapshot):
            return hit
        rates = await self._rates(brand, only)
        clicks = await self._clicks(live.id, only)
        groups = await self._order_groups(live.id, only)
        links = await self._links(live.id, only, set(clicks) | {g.link_id for g in groups if g.link_id})
        rows = {
            link.id: FunnelRow(
                partner_id=link.partner_id, partner_name="", link_id=link.id, code=link.code, label=link.label
            )
            for link in links
        }
        for link_id, count in clicks.items():
            if link_id in rows:
                rows[link_id].clicks = count
        await self._add_room(live.id, links, rows)
        partners = await self._partner_rows(rates, rows, {g.partner_id for g in groups})
        _add_orders(rows, partners, groups, rates)
        await add_replay(self.session, live, rows, partners)
        snapshot = FunnelSnapshot(
            session_id=live.id,
            brand_id=brand.id,
            session_state=live.state,
            currency=brand.default_currency,
            partners=sorted(partners.values(), key=_rank),
            links=sorted(rows.values(), key=_rank),
            recent_orders=[_masked(o) for o in await self._recent(live.id, only)],
        )
        if version is not None:
            ended_cache.put(key, version, snapshot)
        return snapshot

    async def _version(self, live: LiveSession) -> int | None:
        """An ended session's change version (None: live, or the version out of reach: no copy)."""
        if live.state != ENDED:
            return None
        try:
            return await changes_of(self.state).version(live.id)
        except Exception:
            return None

    async def _session(self, session_id: str) -> tuple[LiveSession, Brand]:
        live = await self.session.get(LiveSession, session_id)
        brand = await self.session.get(Brand, live.brand_id) if live is not None else None
        if live is None or brand is None:
            raise NotFound.of("session", session_id)
        return live, brand

    async def _scope(self, principal: Principal, live: LiveSession) -> str | None:
        """The one partner whose rows the caller may see, or None for all of them."""
        if principal.role is Role.PARTNER:
            # A pending or rejected applicant has no standing with the brand: it sees nothing.
            stmt = select(Partnership).where(
                Partnership.brand_id == live.brand_id,
                Partnership.partner_id == principal.partner_id,
                col(Partnership.state).in_(SEES_FUNNEL),
            )
            if (await self.session.exec(stmt)).first() is None:
                raise NotFound.of("session", live.id)
            return principal.partner_id
        principal.ensure_brand(live.brand_id, "session", live.id)
        return None

    async def _rates(self, brand: Brand, only: str | None) -> dict[str, tuple[str, int]]:
        """partner id → (name, commission bps) for every partnership in scope; approved ones are
        listed side by side even before their first click."""
        default_bps = BrandSettings.model_validate(brand.settings or {}).default_commission_bps
        stmt = (
            select(Partnership, Partner)
            .join(Partner, col(Partner.id) == Partnership.partner_id)
            .where(Partnership.brand_id == brand.id)
        )
        if only is not None:
            stmt = stmt.where(Partnership.partner_id == only)
        out = {}
        self.approved: set[str] = set()
        for ship, partner in (await self.session.exec(stmt)).all():
            out[partner.id] = (partner.name, ship.commission_bps if ship.commission_bps is not None else default_bps)
            if ship.state == PartnershipState.APPROVED or only is not None:
                self.approved.add(partner.id)
        return out

    async def _links(self, session_id: str, only: str | None, seen: set[str]) -> Sequence[Link]:
        """The session's own links, and any other link clicked or ordered through in it."""
        stmt = select(Link).where(or_(col(Link.session_id) == session_id, col(Link.id).in_(sorted(seen))))
        if only is not None:
            stmt = stmt.where(Link.partner_id == only)
        return (await self.session.exec(stmt.order_by(col(Link.id)))).all()

    async def _clicks(self, session_id: str, only: str | None) -> dict[str, int]:
        """Counted clicks per link, from the counts the click flusher keeps per (session, link)."""
        k = FunnelLinkClicks
        stmt = select(k.link_id, func.sum(k.clicks)).where(k.session_id == session_id).group_by(k.link_id)
        if only is not None:
            stmt = stmt.where(k.partner_id == only)
        return {link_id: int(count) for link_id, count in (await self.session.exec(stmt)).all() if count}

    async def _add_room(self, session_id: str, links: Sequence[Link], rows: dict[str, FunnelRow]) -> None:
        by_code = {link.code: rows[link.id] for link in links}
        for code, counts in (await ref_counts(self.state, session_id)).items():
            if (row := by_code.get(code)) is not None:
                row.viewers, row.likes, row.cart_adds = counts["viewers"], counts["likes"], counts["cart_adds"]

    async def _order_groups(self, session_id: str, only: str | None) -> list[OrderGroup]:
        """The session's kept order groups, per partner, link, earning flag and net amount (the
        estimate rounds per order, so equal amounts are counted, not summed)."""
        g = FunnelOrderGroup
        stmt = select(g).where(g.session_id == session_id, col(g.orders) != 0)
        if only is not None:
            stmt = stmt.where(g.partner_id == only)
        return [
            OrderGroup(r.partner_id, r.link_id or None, r.earns, r.net_minor, r.orders)
            for r in (await self.session.exec(stmt)).all()
        ]

    async def _recent(self, session_id: str, only: str | None) -> Sequence[FunnelOrder]:
        stmt = select(FunnelOrder).where(FunnelOrder.session_id == session_id)
        if only is not None:
            stmt = stmt.where(FunnelOrder.partner_id == only)
        stmt = stmt.order_by(col(FunnelOrder.paid_at).desc(), col(FunnelOrder.order_id).desc()).limit(RECENT_ORDERS)
        return (await self.session.exec(stmt)).all()

    async def _partner_rows(
        self, rates: dict[str, tuple[str, int]], rows: dict[str, FunnelRow], ordered: set[str]
    ) -> dict[str, FunnelRow]:
        ids = self.approved | {r.partner_id for r in rows.values()} | ordered
        names = {p.id: p.name for p in (await self.session.exec(select(Partner).where(col(Partner.id).in_(ids))))}
        for row in rows.values():
            row.partner_name = names.get(row.partner_id, row.partner_id)
        partners = {pid: FunnelRow(partner_id=pid, partner_name=names.get(pid, pid)) for pid in ids}
        for row in rows.values():
            for name in ("clicks", "viewers", "likes", "cart_adds"):
                setattr(partners[row.partner_id], name, getattr(partners[row.partner_id], name) + getattr(row, name))
        return partners


def _add_orders(
    rows: dict[str, FunnelRow],
    partners: dict[str, FunnelRow],
    groups: Sequence[OrderGroup],
    rates: dict[str, tuple[str, int]],
) -> None:
    earning: dict[str, int] = defaultdict(int)
    for group in groups:
        link_row = rows.get(group.link_id) if group.link_id else None
        gmv = group.net_minor * group.orders  # GMV net of refunds
        for row in [partners[group.partner_id]] + ([link_row] if link_row is not None else []):
            row.orders += group.orders
            row.gmv_minor += gmv
        if group.earns:
            earning[group.partner_id] += gmv
            if link_row is not None:
                link_row.commission_estimate_minor += (
                    apply_rate(group.net_minor, _bps(rates, group.partner_id)) * group.orders
                )
    for partner_id, amount in earning.items():
        partners[partner_id].commission_estimate_minor = apply_rate(amount, _bps(rates, partner_id))


def _bps(rates: dict[str, tuple[str, int]], partner_id: str) -> int:
    return rates.get(partner_id, ("", 0))[1]


def _rank(row: FunnelRow) -> tuple[int, int, str]:
    return (-row.gmv_minor, -row.clicks, row.partner_name + (row.code or ""))


def _masked(order: FunnelOrder) -> FunnelOrderPublic:
    return FunnelOrderPublic(
        order_id=order.order_id,
        partner_id=order.partner_id,
        buyer=order.buyer_tag,
        amount_minor=order.amount_minor,
        currency=order.currency,
        paid_at=order.paid_at,
    )
