"""`zhixiang demo`: one brand with SKUs and a scheduled session, partners, promotions, and a token per role.

Idempotent: every object has a fixed natural key (slug, SKU code, partner name) and is created
only if missing. Demo tokens are derived from SECRET_KEY, so re-running prints the same tokens
while the database still stores only their hashes."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import timedelta

import click
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import Brand, LineupItem, LiveSession, Sku
from broadcast.schemas import BrandSettings
from distribution.models import Link, LinkTarget, Partner, Partnership, PartnershipState
from distribution.services.links import new_code
from distribution.sharing.codes import new_share_code
from server.auth.models import ApiToken
from server.auth.tokens import TOKEN_PREFIX, hash_token
from server.demo.promotions import seed_promotions
from server.demo.replay import seed_replay
from server.kernel.clock import utcnow
from server.kernel.ids import new_id

BRAND_SLUG = "lumen-tea"
SKUS = [  # code, title, price (fen), stock, live price
    ("LT-OOLONG-250", "Tieguanyin oolong, 250 g", 12800, 300, 9900),
    ("LT-PUER-357", "Aged Pu'er cake, 357 g", 36800, 80, 29900),
    ("LT-JASMINE-100", "Jasmine pearls, 100 g", 6800, 500, 4900),
    ("LT-GAIWAN-SET", "Celadon gaiwan set", 25800, 40, None),
]
PARTNERS = [  # name, contact, parent name
    ("Harbor Moms Circle", "wechat: harbor-moms", None),
    ("Guide Lin (Harbor)", "store 12, Lin", "Harbor Moms Circle"),
    ("Guide Zhao (Harbor)", "store 12, Zhao", "Harbor Moms Circle"),
    ("Campus Deals", "campus-deals@example.com", None),
    ("Tea Lovers Club", "tea-lovers@example.com", None),
]


@dataclass
class DemoSummary:
    brand_id: str
    session_id: str
    partner_ids: dict[str, str]
    replay_session_id: str = ""
    tokens: dict[str, str] = field(default_factory=dict)


def demo_token(secret_key: str, label: str, role: str) -> str:
    digest = hmac.new(secret_key.encode(), f"demo:{label}".encode(), hashlib.sha256).hexdigest()[:40]
    return f"{TOKEN_PREFIX}{role[0]}_demo_{digest}"


async def seed_demo(session: AsyncSession, secret_key: str) -> DemoSummary:
    brand = await _brand(session)
    skus = await _skus(session, brand)
    live = await _session(session, brand)
    partners = await _partners(session)
    await _partnerships_and_links(session, brand, live, partners)
    await seed_promotions(session, brand, live)
    replay = await seed_replay(session, brand, skus, partners[0])
    summary = DemoSummary(brand.id, live.id, {p.name: p.id for p in partners}, replay.id)
    await _tokens(session, secret_key, summary)
    await session.commit()
    return summary


async def _brand(session: AsyncSession) -> Brand:
    brand = (await session.exec(select(Brand).where(Brand.slug == BRAND_SLUG))).first()
    if brand is None:
        brand = Brand(
            id=new_id("brd"),
            name="Lumen Tea",
            slug=BRAND_SLUG,
            default_currency="CNY",
            settings=BrandSettings(blocked_words=["scam", "fake"], replay_live_price_days=7).model_dump(),
        )
        session.add(brand)
        await session.flush()
    return brand


async def _skus(session: AsyncSession, brand: Brand) -> list[Sku]:
    existing = {s.code: s for s in (await session.exec(select(Sku).where(Sku.brand_id == brand.id))).all()}
    for code, title, price, stock, _ in SKUS:
        if code not in existing:
            existing[code] = Sku(
                id=new_id("sku"),
                brand_id=brand.id,
                code=code,
                title=title,
                price_minor=price,
                currency=brand.default_currency,
                stock=stock,
                image_url=f"https://picsum.photos/seed/{code}/400/400",
            )
            session.add(existing[code])
    await session.flush()
    return list(existing.values())


async def _session(session: AsyncSession, brand: Brand) -> LiveSession:
    stmt = select(LiveSession).where(LiveSession.brand_id == brand.id).order_by(LiveSession.id)
    live = (await session.exec(stmt)).first()
    if live is not None:
        return live
    live = LiveSession(
        id=new_id("ses"),
        brand_id=brand.id,
        title="Autumn tea tasting — live from Anxi",
        playback_url="https://test-streams.mux.dev/x36xhzz/x36xhzz.m3u8",
        cover_url="https://picsum.photos/seed/lumen-live/800/450",
        scheduled_start_at=utcnow() + timedelta(hours=1),
    )
    session.add(live)
    await session.flush()
    skus = {s.code: s for s in (await session.exec(select(Sku).where(Sku.brand_id == brand.id))).all()}
    for position, (code, _, _, _, live_price) in enumerate(SKUS):
        session.add(
            LineupItem(
                id=new_id("lnu"),
                session_id=live.id,
                sku_id=skus[code].id,
                position=position,
                live_price_minor=live_price,
                limited_quantity=100 if live_price else None,
            )
        )
    await session.flush()
    return live


async def _partners(session: AsyncSession) -> list[Partner]:
    by_name = {p.name: p for p in (await session.exec(select(Partner))).all()}
    for name, contact, parent in PARTNERS:
        if name not in by_name:
            by_name[name] = Partner(
                id=new_id("ptn"),
                name=name,
                contact=contact,
                payout_country="CN",
                parent_id=by_name[parent].id if parent else None,
            )
            session.add(by_name[name])
            await session.flush()
    return [by_name[name] for name, _, _ in PARTNERS]


async def _partnerships_and_links(
    session: AsyncSession, brand: Brand, live: LiveSession, partners: list[Partner]
) -> None:
    """Every demo partner is approved by the demo brand and has one link to the demo session."""
    ships = {p.partner_id for p in (await session.exec(select(Partnership).where(Partnership.brand_id == brand.id)))}
    linked = {k.partner_id for k in (await session.exec(select(Link).where(Link.session_id == live.id)))}
    for partner in partners:
        if partner.id not in ships:
            session.add(
                Partnership(
                    id=new_id("pts"),
                    brand_id=brand.id,
                    partner_id=partner.id,
                    state=PartnershipState.APPROVED,
                    decided_at=utcnow(),
                )
            )
        if partner.id not in linked:
            session.add(
                Link(
                    id=new_id("lnk"),
                    code=new_code(),
                    partner_id=partner.id,
                    brand_id=brand.id,
                    target=LinkTarget.SESSION,
                    session_id=live.id,
                    label="Demo: WeChat group",
                    share_code=new_share_code(),
                )
            )
    await session.flush()


async def _tokens(session: AsyncSession, secret_key: str, summary: DemoSummary) -> None:
    wanted = [
        ("admin", "admin", None, None),
        ("finance", "finance", None, None),
        ("brand", "brand", summary.brand_id, None),
    ]
    wanted += [(f"partner: {name}", "partner", None, pid) for name, pid in summary.partner_ids.items()]
    for label, role, brand_id, partner_id in wanted:
        token = demo_token(secret_key, label, role)
        summary.tokens[label] = token
        if (await session.exec(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))).first():
            continue
        session.add(
            ApiToken(
                id=new_id("tok"),
                name=f"demo {label}",
                role=role,
                brand_id=brand_id,
                partner_id=partner_id,
                token_hash=hash_token(token),
                token_hint=token[:10],
            )
        )


def print_summary(summary: DemoSummary, base_url: str) -> None:
    click.echo(f"Demo brand Lumen Tea ({summary.brand_id}), session {summary.session_id}")
    click.echo(f"  viewer page   {base_url}/live/{summary.session_id}")
    click.echo(f"  replay        {base_url}/live/{summary.replay_session_id} (yesterday's show, still selling)")
    click.echo(f"  partners      {base_url}/partner (partner token) · {base_url}/console/partners (brand token)")
    click.echo(f"  sign in       {base_url}/signin   API docs {base_url}/api/docs")
    click.echo("Demo tokens (Authorization: Bearer …):")
    for label, token in summary.tokens.items():
        click.echo(f"  {label:<32} {token}")
