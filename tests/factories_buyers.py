"""Factories for buyer profiles: OrderPaid / OrderRefunded payloads that carry a buyer key, and
reading a brand's profile back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Litestar
from sqlmodel import select

from distribution.buyers.consent_links import consent_token
from distribution.buyers.keys import buyer_key
from distribution.buyers.models import BuyerOrder, BuyerProfile
from server.kernel.ids import new_id
from tests.factories_commission import order_paid_payload

SECRET = "test-secret"


def key_of(email: str) -> str:
    key = buyer_key(SECRET, email, None)
    assert key is not None
    return key


def paid(
    brand_id: str,
    email: str,
    amount_minor: int = 1000,
    *,
    sku_id: str = "sku_a",
    consent: bool = False,
    paid_at: datetime | None = None,
    partner_id: str | None = None,
) -> dict[str, Any]:
    payload = order_paid_payload(brand_id, [(sku_id, amount_minor)], paid_at=paid_at, partner_id=partner_id)
    return {**payload, "buyer_key": key_of(email), "marketing_consent": consent}


async def profile_of(app: Litestar, brand_id: str, email: str) -> BuyerProfile | None:
    async with app.state.sessionmaker() as session:
        stmt = select(BuyerProfile).where(BuyerProfile.brand_id == brand_id, BuyerProfile.buyer_key == key_of(email))
        return (await session.exec(stmt)).first()


async def buyer_orders(app: Litestar, brand_id: str) -> list[BuyerOrder]:
    async with app.state.sessionmaker() as session:
        stmt = select(BuyerOrder).where(BuyerOrder.brand_id == brand_id).order_by(BuyerOrder.order_id)
        return list((await session.exec(stmt)).all())


async def consent_path(app: Litestar, profile: BuyerProfile) -> str:
    """The buyer's link to the consent page, signed with the app's own key."""
    return f"/buyers/consent/{consent_token(app.state.settings.secret_key, profile.id)}"


async def consenting_profile(app: Litestar, brand_id: str, email: str = "page@example.com") -> BuyerProfile:
    """A profile that agreed to marketing, written directly (for pages that only need one)."""
    async with app.state.sessionmaker() as session:
        profile = BuyerProfile(
            id=new_id("byr"), brand_id=brand_id, buyer_key=key_of(email), currency="CNY", marketing_consent=True
        )
        session.add(profile)
        await session.commit()
        await session.refresh(profile)
        return profile
