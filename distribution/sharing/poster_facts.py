"""What a link's poster shows, read from the live end: the session the link opens (its own, or for
a SKU or storefront link the brand's live or next one, as the redirect picks it), the SKU and its
live price in that session, and the partner's name."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import Brand, LineupItem, LiveSession, Sku
from distribution.clicks.resolve import _target_session as target_session
from distribution.models import Link, LinkTarget, Partner
from distribution.sharing.codes import display
from distribution.sharing.poster import PosterFacts
from server.kernel.currency import format_minor


@dataclass(frozen=True)
class PosterSource:
    facts: PosterFacts
    cover_url: str | None


async def poster_source(session: AsyncSession, link: Link, url: str) -> PosterSource:
    """`url`: the link's public URL, what the QR code opens."""
    partner = await session.get(Partner, link.partner_id)
    brand = await session.get(Brand, link.brand_id)
    live_id = await target_session(session, link)
    live = await session.get(LiveSession, live_id) if live_id else None
    title = live.title if live else (brand.name if brand else "")
    facts = PosterFacts(
        url=url,
        title=title,
        partner_name=partner.name if partner else "",
        share_code=display(link.share_code) if link.share_code else None,
    )
    if link.target == LinkTarget.SKU and link.sku_id:
        facts = await _with_sku(session, facts, link.sku_id, live_id)
    return PosterSource(facts, live.cover_url if live else None)


async def _with_sku(session: AsyncSession, facts: PosterFacts, sku_id: str, live_id: str | None) -> PosterFacts:
    sku = await session.get(Sku, sku_id)
    if sku is None:
        return facts
    price = sku.price_minor
    if live_id:
        stmt = select(LineupItem.live_price_minor).where(LineupItem.session_id == live_id, LineupItem.sku_id == sku_id)
        live_price = (await session.exec(stmt)).first()
        price = live_price if live_price is not None else price
    return replace(facts, sku_title=sku.title, price=format_minor(price, sku.currency))
