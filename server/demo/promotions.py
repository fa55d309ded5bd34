"""The demo's live promotions, so `make run` shows each of them: two coupons ready to drop from
the console, and a group-buy offer on the jasmine pearls. Idempotent like the rest of the demo
(natural keys: a coupon's title, an offer's SKU). The PK competition is seeded beside it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.coupons.models import Coupon
from broadcast.groupbuy.models import GroupOffer
from broadcast.models import Brand, LiveSession, Sku
from server.kernel.clock import utcnow
from server.kernel.ids import new_id

COUPONS = [  # title, amount off (fen) or None, percent off (bps) or None, min spend (fen), stock
    ("¥20 off orders over ¥99", 2000, None, 9900, 50),
    ("Tasting night: 15% off", None, Decimal(1500), 0, 30),
]
GROUP_SKU, GROUP_PRICE_MINOR, GROUP_SIZE, GROUP_WINDOW_MINUTES = "LT-JASMINE-100", 3900, 3, 30


async def seed_promotions(session: AsyncSession, brand: Brand, live: LiveSession) -> None:
    await _coupons(session, brand)
    await _group_offer(session, brand, live)


async def _coupons(session: AsyncSession, brand: Brand) -> None:
    titles = set((await session.exec(select(Coupon.title).where(Coupon.brand_id == brand.id))).all())
    now = utcnow()
    for title, amount, percent, min_spend, stock in COUPONS:
        if title in titles:
            continue
        session.add(
            Coupon(
                id=new_id("cpn"),
                brand_id=brand.id,
                title=title,
                amount_off_minor=amount,
                currency=brand.default_currency if amount else None,
                percent_off_bps=percent,
                min_spend_minor=min_spend,
                total_limit=stock,
                valid_from=now,
                valid_until=now + timedelta(days=30),
            )
        )


async def _group_offer(session: AsyncSession, brand: Brand, live: LiveSession) -> None:
    sku = (await session.exec(select(Sku).where(Sku.brand_id == brand.id, Sku.code == GROUP_SKU))).first()
    if sku is None:
        return
    stmt = select(GroupOffer.id).where(GroupOffer.session_id == live.id, GroupOffer.sku_id == sku.id)
    if (await session.exec(stmt)).first() is None:
        session.add(
            GroupOffer(
                id=new_id("gbo"),
                brand_id=brand.id,
                session_id=live.id,
                sku_id=sku.id,
                group_price_minor=GROUP_PRICE_MINOR,
                currency=sku.currency,
                group_size=GROUP_SIZE,
                window_minutes=GROUP_WINDOW_MINUTES,
            )
        )
