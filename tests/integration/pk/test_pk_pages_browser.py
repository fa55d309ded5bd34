"""The PK panels in Chromium against the real server: the partner's leaderboard moves after a paid
order (an `OrderPaid` written to the server's outbox, as the payments webhook writes it), the brand
closes from its console, and the partner then sees its final rank and bonus."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest
import sqlalchemy as sa
from sqlmodel import Session

from server.demo.seed import DemoSummary, demo_token, seed_demo
from server.kernel.clock import utcnow
from server.kernel.db import make_engine, make_sessionmaker
from server.kernel.outbox import OutboxEvent
from server.migrate import upgrade
from tests.browser import chromium
from tests.factories_commission import order_paid_payload
from tests.live_server import run_server

SECRET = "test-secret-key-0123456789abcdef"
pytestmark = pytest.mark.browser


async def seed(url: str) -> DemoSummary:
    """Migrate and seed the demo in this process (two CLI start-ups less than `migrate` + `demo`)."""
    await asyncio.to_thread(upgrade, url)
    engine = make_engine(url, 0)
    try:
        async with make_sessionmaker(engine)() as session:
            return await seed_demo(session, SECRET)
    finally:
        await engine.dispose()


def write_order_paid(db_path, payload):
    """What the payments webhook does on a paid order: an `OrderPaid` row in the outbox."""
    engine = sa.create_engine(f"sqlite:///{db_path}")
    with Session(engine) as session:
        session.add(
            OutboxEvent(
                id=f"evt_{payload['order_id'][4:]}",
                topic="OrderPaid",
                aggregate_id=payload["order_id"],
                payload=payload,
                created_at=utcnow(),
            )
        )
        session.commit()
    engine.dispose()


async def signed_in(browser, base_url, token, path):
    context = await browser.new_context()
    await context.add_cookies([{"name": "zx_token", "value": token, "url": base_url}])
    page = await context.new_page()
    page.on("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))
    await page.goto(base_url + path)
    return page


async def test_partner_sees_the_board_move_and_the_bonus_after_the_brand_closes(tmp_path):
    db_path = tmp_path / "pk.db"
    env = {"DATABASE_URL": f"sqlite:///{db_path}", "SECRET_KEY": SECRET, "LOG_LEVEL": "WARNING"}
    demo = await seed(env["DATABASE_URL"])
    brand_id, session_id, partner_id = demo.brand_id, demo.session_id, demo.partner_ids["Campus Deals"]
    brand_token = demo_token(SECRET, "brand", "brand")
    with run_server(env, tmp_dir=tmp_path) as server:
        # given a period PK of every approved demo partner: 10 % bonus for first
        now = utcnow()
        body = {
            "name": "Evening PK",
            "metric": "gmv",
            "currency": "CNY",
            "entrants": {"partners": []},
            "scope": {
                "starts_at": (now - timedelta(seconds=5)).isoformat(),
                "ends_at": (now + timedelta(hours=1)).isoformat(),
            },
            "prize_tiers": [{"rank_from": 1, "rank_to": 1, "kind": "bonus_bps", "amount": "1000"}],
        }
        async with httpx.AsyncClient(base_url=server.base_url) as api:
            created = await api.post(
                f"/api/v1/brands/{brand_id}/competitions", json=body, headers={"Authorization": f"Bearer {brand_token}"}
            )
        assert created.status_code == 201, created.text
        async with chromium() as browser:
            partner = await signed_in(
                browser, server.base_url, demo_token(SECRET, "partner: Campus Deals", "partner"), "/partner"
            )
            mine = partner.locator("#pk-partner tr.mine")
            await mine.wait_for(timeout=10_000)
            assert "¥0.00" in await mine.inner_text()  # zx.money: the currency sign, by locale
            # when a buyer through Campus Deals pays ¥123.45
            order = order_paid_payload(brand_id, [("sku_demo", 12345)], partner_id=partner_id, session_id=session_id)
            await asyncio.to_thread(write_order_paid, db_path, order)
            # then the partner's row moves to the top without a reload
            await (
                partner.locator('#pk-partner tr.mine[data-rank="1"]')
                .filter(has_text="¥123.45")
                .wait_for(timeout=10_000)
            )
            # when the brand closes it from the console
            console = await signed_in(browser, server.base_url, brand_token, f"/console?session={session_id}")
            await console.locator("#pk-console button.pk-close").click(timeout=10_000)
            await console.locator('#pk-console article[data-state="closed"]').wait_for(timeout=10_000)
            # then the partner sees its final rank and bonus: 10 % of 12,345 = 1,234.5 → 1,234 (half-even)
            result = partner.locator('#pk-partner [data-role="result"]')
            await result.wait_for(timeout=10_000)
            assert "#1" in await result.inner_text() and "¥12.34" in await result.inner_text()
