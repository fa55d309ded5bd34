"""What the partner console and the brand's partner view show (read models for the pages)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import Brand, LiveSession, SessionState, Sku, SkuStatus
from broadcast.services.brands import brand_settings
from distribution.models import Link, LinkTarget, Partner, PartnerDevice, Partnership, PartnershipState
from distribution.schemas import LinkPublic
from distribution.services.links import link_public
from distribution.sharing.codes import share_message
from server.kernel.currency import format_minor

SESSION_ORDER = {
    SessionState.LIVE: 0,
    SessionState.SCHEDULED: 1,
    SessionState.ENDED: 2,
    SessionState.REPLAY: 2,
    SessionState.CANCELLED: 3,
}
SKU_CHOICES = 200


@dataclass
class PartnershipRow:
    partnership: Partnership
    brand: Brand
    rate_bps: int  # the partnership's own rate, else the brand's default: always a number
    brand_default: bool


@dataclass
class LinkRow:
    link: LinkPublic
    goes_to: str  # the session's or SKU's title, or the brand's name: never a raw id
    brand_name: str
    share_message: str | None = None  # the 口令 text to post where links are stripped


@dataclass
class SkuChoice:
    id: str
    title: str
    price: str
    brand_name: str


@dataclass
class PartnerConsole:
    partner: Partner
    partnerships: list[PartnershipRow] = field(default_factory=list)
    links: list[LinkRow] = field(default_factory=list)
    sessions: list[LiveSession] = field(default_factory=list)
    skus: list[SkuChoice] = field(default_factory=list)

    @property
    def approved_brands(self) -> list[Brand]:
        return [row.brand for row in self.partnerships if row.partnership.state == PartnershipState.APPROVED]


async def partner_console(session: AsyncSession, partner_id: str, base_url: str) -> PartnerConsole | None:
    partner = await session.get(Partner, partner_id)
    if partner is None:
        return None
    console = PartnerConsole(partner, partnerships=await _partnerships(session, partner_id))
    brand_ids = [b.id for b in console.approved_brands]
    console.sessions = await sessions_of(session, brand_ids)
    console.skus = await _sku_choices(session, console.approved_brands)
    console.links = await _link_rows(session, partner_id, base_url)
    return console


async def _partnerships(session: AsyncSession, partner_id: str) -> list[PartnershipRow]:
    stmt = (
        select(Partnership, Brand)
        .join(Brand, col(Brand.id) == Partnership.brand_id)
        .where(Partnership.partner_id == partner_id)
        .order_by(col(Partnership.id))
    )
    rows = []
    for ship, brand in (await session.exec(stmt)).all():
        default = brand_settings(brand).default_commission_bps
        own = ship.commission_bps
        rows.append(PartnershipRow(ship, brand, default if own is None else own, own is None))
    return rows


async def _sku_choices(session: AsyncSession, brands: list[Brand]) -> list[SkuChoice]:
    if not brands:
        return []
    names = {b.id: b.name for b in brands}
    stmt = select(Sku).where(col(Sku.brand_id).in_(list(names)), Sku.status == SkuStatus.ACTIVE)
    skus = (await session.exec(stmt.order_by(col(Sku.title)).limit(SKU_CHOICES))).all()
    return [SkuChoice(s.id, s.title, format_minor(s.price_minor, s.currency), names[s.brand_id]) for s in skus]


async def _link_rows(session: AsyncSession, partner_id: str, base_url: str) -> list[LinkRow]:
    links = (await session.exec(select(Link).where(Link.partner_id == partner_id).order_by(col(Link.id).desc()))).all()
    titles = await _titles(session, links)
    rows = []
    for link in links:
        goes_to = _goes_to(link, titles)
        message = share_message(link.share_code, goes_to, base_url) if link.share_code else None
        rows.append(LinkRow(link_public(link, base_url), goes_to, titles.get(link.brand_id, link.brand_id), message))
    return rows


def _goes_to(link: Link, titles: dict[str, str]) -> str:
    wanted = {LinkTarget.SESSION: link.session_id, LinkTarget.SKU: link.sku_id}.get(LinkTarget(link.target))
    ident = wanted or link.brand_id
    return titles.get(ident, ident)


async def _titles(session: AsyncSession, links: Sequence[Link]) -> dict[str, str]:
    """Titles of every session, SKU and brand the links point at, by id, in three queries."""
    session_ids = sorted({link.session_id for link in links if link.session_id})
    sku_ids = sorted({link.sku_id for link in links if link.sku_id})
    brand_ids = sorted({link.brand_id for link in links})
    titles: dict[str, str] = {}
    if session_ids:
        titles.update(
            (
                await session.exec(
                    select(LiveSession.id, LiveSession.title).where(col(LiveSession.id).in_(session_ids))
                )
            ).all()
        )
    if sku_ids:
        titles.update((await session.exec(select(Sku.id, Sku.title).where(col(Sku.id).in_(sku_ids)))).all())
    if brand_ids:
        titles.update((await session.exec(select(Brand.id, Brand.name).where(col(Brand.id).in_(brand_ids)))).all())
    return titles


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
