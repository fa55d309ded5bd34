"""Factories for the distribution end: through the API for API tests, straight rows for the
attribution rules (which are pure decisions over a few rows)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from broadcast.models import Brand, LiveSession
from broadcast.schemas import BrandSettings
from distribution.attribution import OrderFacts
from distribution.clicks.token import AttributionClaim, sign_claim
from distribution.models import Link, Partner, Partnership
from server.kernel.ids import new_id
from tests.app_settings import TEST_SECRET
from tests.factories import auth, make_brand, make_session, make_token

_seq = itertools.count(1)
PAID_AT = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


async def make_partner(client: Any, token: str, **fields: Any) -> dict[str, Any]:
    body = {"name": f"Partner {next(_seq)}", "contact": None, "payout_country": "CN", **fields}
    response = await client.post("/api/v1/partners", json=body, headers=auth(token))
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def approve(
    client: Any,
    partner_token: str,
    partner_id: str,
    brand_token: str,
    brand_id: str,
    state: str = "approved",
    **decision: Any,
) -> dict[str, Any]:
    applied = await client.post(
        f"/api/v1/partners/{partner_id}/partnerships", json={"brand_id": brand_id}, headers=auth(partner_token)
    )
    assert applied.status_code == 201, applied.text
    decided = await client.post(
        f"/api/v1/partnerships/{applied.json()['id']}/decision",
        json={"state": state, **decision},
        headers=auth(brand_token),
    )
    assert decided.status_code == 200, decided.text
    return decided.json()  # type: ignore[no-any-return]


async def make_link(client: Any, partner_token: str, partner_id: str, **body: Any) -> dict[str, Any]:
    response = await client.post(f"/api/v1/partners/{partner_id}/links", json=body, headers=auth(partner_token))
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


@dataclass
class ApiWorld:
    admin: str
    brand: dict[str, Any]
    brand_token: str
    session: dict[str, Any]
    partner: dict[str, Any]
    partner_token: str
    link: dict[str, Any]


async def api_world(app: Any, client: Any, **brand_fields: Any) -> ApiWorld:
    """A brand with a session, and a partner with an approved partnership and a session link."""
    admin = await make_token(app, "admin")
    brand = await make_brand(client, admin, **brand_fields)
    brand_token = await make_token(app, "brand", brand_id=brand["id"])
    session = await make_session(client, brand_token, brand["id"])
    partner = await make_partner(client, admin)
    partner_token = await make_token(app, "partner", partner_id=partner["id"])
    await approve(client, partner_token, partner["id"], brand_token, brand["id"])
    link = await make_link(client, partner_token, partner["id"], target="session", session_id=session["id"])
    return ApiWorld(admin, brand, brand_token, session, partner, partner_token, link)


@dataclass
class RowWorld:
    brand_id: str
    session_id: str
    partners: list[Partner]
    links: list[Link]
    partnerships: list[Partnership]


async def row_world(session: Any, partners: int = 2, **policy: Any) -> RowWorld:
    """Rows only: a brand (policy overrides), a session, N approved partners with a link each."""
    brand = Brand(
        id=new_id("brd"),
        name="B",
        slug=f"b-{next(_seq)}-{new_id('x')[-6:]}",
        default_currency="CNY",
        settings=BrandSettings(**policy).model_dump(),
    )
    live = LiveSession(id=new_id("ses"), brand_id=brand.id, title="Live", scheduled_start_at=PAID_AT)
    session.add_all([brand, live])
    world = RowWorld(brand.id, live.id, [], [], [])
    for n in range(partners):
        partner = Partner(id=new_id("ptn"), name=f"P{n}", contact=f"p{n}-{next(_seq)}@example.com")
        ship = Partnership(id=new_id("pts"), brand_id=brand.id, partner_id=partner.id, state="approved")
        link = Link(
            id=new_id("lnk"),
            code=f"code{next(_seq)}x",
            partner_id=partner.id,
            brand_id=brand.id,
            target="session",
            session_id=live.id,
        )
        session.add(partner)
        await session.flush()
        session.add_all([ship, link])
        world.partners.append(partner)
        world.links.append(link)
        world.partnerships.append(ship)
    await session.commit()
    return world


def cookie_for(link: Link, clicked_at: datetime, secret: str = TEST_SECRET) -> str:
    return sign_claim(secret, AttributionClaim(link.id, link.partner_id, new_id("clk"), clicked_at))


NEW = object()


def facts(
    world: RowWorld,
    *,
    paid_at: datetime = PAID_AT,
    token: str | None = None,
    visitor_id: Any = NEW,
    email: Any = NEW,
    phone: str | None = None,
    verified_email: str | None = None,
    amount_minor: int = 10000,
) -> OrderFacts:
    """An order by a new buyer unless `visitor_id` / `email` / `phone` name a returning one."""
    n = next(_seq)
    visitor_id = f"v{n}" if visitor_id is NEW else visitor_id
    email = f"buyer{n}@example.com" if email is NEW else email
    return OrderFacts(
        order_id=new_id("ord"),
        brand_id=world.brand_id,
        session_id=world.session_id,
        visitor_id=visitor_id,
        attribution_token=token,
        buyer_email=email,
        buyer_phone=phone,
        amount_minor=amount_minor,
        currency="CNY",
        paid_at=paid_at,
        verified_email=verified_email,
    )


DAY = timedelta(days=1)
