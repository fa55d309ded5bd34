"""A session's partner funnel: clicks → viewers → likes → cart adds → orders → GMV → estimated
commission, per link and per partner. A partner sees only its own rows; the brand sees all."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.liveroom.funnel import ref_counts
from broadcast.models import Brand, LiveSession
from broadcast.schemas import BrandSettings
from distribution.models import Click, FunnelOrder, Link, Partner, Partnership, PartnershipState
from distribution.schemas import FunnelOrderPublic, FunnelRow, FunnelSnapshot
from server.kernel.money import apply_rate
from server.kernel.principal import Principal, Role
from server.kernel.problems import NotFound

# Standings that see their own funnel rows: approved, and suspended (its past orders still count).
SEES_FUNNEL = (PartnershipState.APPROVED.value, PartnershipState.SUSPENDED.value)
COUNTS = ("clicks", "viewers", "likes", "cart_adds", "orders", "gmv_minor", "commission_estimate_minor")


class FunnelService:
    def __init__(self, session: AsyncSession, state: Any) -> None:
        self.session, self.state = session, state

    async def snapshot(self, principal: Principal, session_id: str) -> FunnelSnapshot:
        live, brand = await self._session(session_id)
        only = await self._scope(principal, live)
        rates = await self._rates(brand, only)
        links = await self._links(live.id, only)
        rows = {
            link.id: FunnelRow(
                partner_id=link.partner_id, partner_name="", link_id=link.id, code=link.code, label=link.label
            )
            for link in links
        }
        await self._add_clicks(live.id, rows)
        await self._add_room(live.id, links, rows)
        orders = await self._orders(live.id, only)
        partners = await self._partner_rows(rates, rows, orders)
        _add_orders(rows, partners, orders, rates)
        return FunnelSnapshot(
            session_id=live.id,
            brand_id=brand.id,
            session_state=live.state,
            currency=brand.default_currency,
            partners=sorted(partners.values(), key=_rank),
            links=sorted(rows.values(), key=_rank),
            recent_orders=[_masked(o) for o in sorted(orders, key=lambda o: o.paid_at)[-20:][::-1]],
        )

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

    async def _links(self, session_id: str, only: str | None) -> Sequence[Link]:
        clicked = select(Click.link_id).where(Click.session_id == session_id).distinct()
        ordered = select(FunnelOrder.link_id).where(FunnelOrder.session_id == session_id).distinct()
        stmt = select(Link).where(
            or_(col(Link.session_id) == session_id, col(Link.id).in_(clicked), col(Link.id).in_(ordered))
        )
        if only is not None:
            stmt = stmt.where(Link.partner_id == only)
        return (await self.session.exec(stmt.order_by(col(Link.id)))).all()

    async def _add_clicks(self, session_id: str, rows: dict[str, FunnelRow]) -> None:
        stmt = (
            select(Click.link_id, func.count())
            .where(Click.session_id == session_id, col(Click.is_bot).is_(False), col(Click.is_duplicate).is_(False))
            .group_by(Click.link_id)
        )
        for link_id, count in (await self.session.exec(stmt)).all():
            if link_id in rows:
                rows[link_id].clicks = int(count)

    async def _add_room(self, session_id: str, links: Sequence[Link], rows: dict[str, FunnelRow]) -> None:
        by_code = {link.code: rows[link.id] for link in links}
        for code, counts in (await ref_counts(self.state, session_id)).items():
            if (row := by_code.get(code)) is not None:
                row.viewers, row.likes, row.cart_adds = counts["viewers"], counts["likes"], counts["cart_adds"]

    async def _orders(self, session_id: str, only: str | None) -> Sequence[FunnelOrder]:
        stmt = select(FunnelOrder).where(FunnelOrder.session_id == session_id)
        if only is not None:
            stmt = stmt.where(FunnelOrder.partner_id == only)
        return (await self.session.exec(stmt)).all()

    async def _partner_rows(
        self, rates: dict[str, tuple[str, int]], rows: dict[str, FunnelRow], orders: Sequence[FunnelOrder]
    ) -> dict[str, FunnelRow]:
        ids = self.approved | {r.partner_id for r in rows.values()} | {o.partner_id for o in orders}
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
    orders: Sequence[FunnelOrder],
    rates: dict[str, tuple[str, int]],
) -> None:
    earning: dict[str, int] = defaultdict(int)
    for order in orders:
        targets = [partners[order.partner_id]] + ([rows[order.link_id]] if order.link_id in rows else [])
        net = order.amount_minor - order.refunded_minor  # GMV net of refunds
        for row in targets:
            row.orders += 1
            row.gmv_minor += net
        if order.earns:
            earning[order.partner_id] += net
            if order.link_id in rows:
                link_row = rows[order.link_id]
                link_row.commission_estimate_minor += apply_rate(net, _bps(rates, order.partner_id))
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
