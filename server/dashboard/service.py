"""The dashboard of one session, assembled: headline figures from the database and the room's
counters, curves and windows from the stored minutes, top SKUs, the partner leaderboard (the
same rows as `/console/partners`' funnel). A brand sees its own sessions only (others are 404)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout.models import Order
from broadcast.models import Brand, LiveSession, SessionState, Sku
from distribution.funnel.snapshot import FunnelService
from server.dashboard import curves, minutes, sources
from server.dashboard.leaderboard import leaderboard
from server.dashboard.models import SessionMinute
from server.dashboard.room import RoomNow, room_now
from server.dashboard.schemas import Conversion, DashboardPublic, Figures, PinMark, Series
from server.dashboard.skus import top_skus
from server.kernel.clock import as_utc, utcnow
from server.kernel.principal import Principal
from server.kernel.problems import NotFound


def _rate(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _watched_s(room: RoomNow, rows: Sequence[SessionMinute]) -> int:
    """The room's measured total, or the last one sampled into the minutes if Redis lost it."""
    return max(room.watch_s, max((r.watch_s_total for r in rows), default=0))


class DashboardService:
    def __init__(self, db: AsyncSession, state: Any) -> None:
        self.db, self.state = db, state

    async def session_of(self, principal: Principal, session_id: str) -> LiveSession:
        live = await self.db.get(LiveSession, session_id)
        if live is None:
            raise NotFound.of("session", session_id)
        principal.ensure_brand(live.brand_id, "session", session_id)
        return live

    async def build(self, principal: Principal, session_id: str) -> DashboardPublic:
        live = await self.session_of(principal, session_id)
        rows = await self._minutes(live)
        curves_now = curves.series(rows)
        orders = await sources.paid_orders(self.db, live.id)
        room = await room_now(self.state, live)
        funnel = await FunnelService(self.db, self.state).snapshot(principal, live.id)
        partners, links = await leaderboard(self.db, live.id, funnel.partners, funnel.links)
        over = live.state in (SessionState.ENDED, SessionState.REPLAY)  # a replay is a show that is over
        anchor = live.ended_at if over and live.ended_at else utcnow()
        windows = curves.windows(curves_now, anchor)
        kept = [o for o in orders if o.paid_at is not None and o.refunded_minor < o.amount_minor]
        paid = [(as_utc(o.paid_at), o.visitor_id) for o in kept if o.paid_at is not None]  # as paid_buyers
        windows["buyers"] = curves.buyers_window(paid, anchor)
        windows.update(curves.per_viewer_windows(windows))
        return DashboardPublic(
            session_id=live.id,
            brand_id=live.brand_id,
            title=live.title,
            state=live.state,
            currency=await self._currency(live, orders),
            started_at=live.started_at,
            ended_at=live.ended_at,
            as_of=utcnow(),
            figures=await self._figures(live, rows, curves_now, orders, room, windows),
            windows=windows,
            series=curves_now,
            pins=await self._pins(live),
            skus=await self._skus(live, orders, rows),
            partners=partners,
            links=links,
        )

    async def _minutes(self, live: LiveSession) -> list[SessionMinute]:
        """The stored series; a session that ran but has none (the table lost, or written before
        it existed) gets its flows rebuilt from the source tables first."""
        rows = await minutes.read(self.db, live)
        # Only a show that is over is repaired here: a live one's minutes are being written by the
        # sampler, and a read that wrote (every push of every open dashboard) would take SQLite's
        # one write lock from the sale itself.
        over = live.state != SessionState.LIVE and live.started_at is not None
        lost = over and not any(r.online_samples or r.orders or r.clicks for r in rows)
        if lost and await minutes.rebuild(self.db, live.id):
            await self.db.commit()
            rows = await minutes.read(self.db, live)
        return rows

    async def _currency(self, live: LiveSession, orders: Sequence[Order]) -> str:
        if orders:
            return orders[0].currency
        brand = await self.db.get(Brand, live.brand_id)
        return brand.default_currency if brand else "CNY"

    async def _figures(
        self,
        live: LiveSession,
        rows: Sequence[SessionMinute],
        series: Series,
        orders: Sequence[Order],
        room: RoomNow,
        windows: dict[str, Any],
    ) -> Figures:
        kept = [o for o in orders if o.refunded_minor < o.amount_minor]
        buyers = {o.visitor_id for o in kept}
        carting = await sources.carting_visitors(self.db, live.id)
        viewers = max(room.unique_viewers, max((r.unique_viewers for r in rows), default=0), len(carting))
        gmv = sum(o.amount_minor - o.refunded_minor for o in orders)
        return Figures(
            gmv_minor=gmv,
            refunds_minor=sum(o.refunded_minor for o in orders),
            paid_orders=len(kept),
            paid_buyers=len(buyers),
            viewers=viewers,
            carting_visitors=len(carting),
            conversion=Conversion(
                viewer_to_cart=_rate(len(carting), viewers),
                cart_to_paid=_rate(len(buyers), len(carting)),
                viewer_to_paid=_rate(len(buyers), viewers),
            ),
            online_now=room.online,
            online_peak=max(room.online, max(series.online, default=0)),
            avg_watch_s=_watched_s(room, rows) // viewers if viewers else 0,
            likes=max(room.likes, max((r.likes_total for r in rows), default=0)),
            likes_per_min=round(windows["likes"].last / curves.WINDOW_MIN, 2),
            comments=sum(series.comments),
            comments_per_min=round(windows["comments"].last / curves.WINDOW_MIN, 2),
            cart_adds=sum(series.cart_adds),
            clicks=sum(series.clicks),
            uv_value_minor=gmv // viewers if viewers else 0,
        )

    async def _pins(self, live: LiveSession) -> list[PinMark]:
        pins = await sources.pins(self.db, live.id)
        titles = await self._titles([p.sku_id for p in pins if p.sku_id])
        return [PinMark(sku_id=p.sku_id, title=titles.get(p.sku_id or ""), at=p.pinned_at) for p in pins]

    async def _skus(self, live: LiveSession, orders: Sequence[Order], rows: Sequence[SessionMinute]) -> list[Any]:
        lines = await sources.lines_of(self.db, [o.id for o in orders])
        pins = await sources.pins(self.db, live.id)
        titles = await self._titles([p.sku_id for p in pins if p.sku_id])
        until = live.ended_at or utcnow()
        return top_skus(orders, lines, pins, rows, until, titles)

    async def _titles(self, sku_ids: list[str]) -> dict[str, str]:
        if not sku_ids:
            return {}
        found = await self.db.exec(select(Sku.id, Sku.title).where(col(Sku.id).in_(set(sku_ids))))
        return dict(found.all())
