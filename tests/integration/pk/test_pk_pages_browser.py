"""The PK panels in Chromium against the real server: the partner's leaderboard moves after a paid
order (an `OrderPaid` written to the server's outbox, as the payments webhook writes it), the brand
closes from its console, and the partner then sees its final rank and bonus."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import timedelta

import httpx
import pytest
import sqlalchemy as sa
from sqlmodel import Session

from server.demo.seed import demo_token
from server.kernel.clock import utcnow
from server.kernel.outbox import OutboxEvent
from tests.browser import chromium
from tests.factories_commission import order_paid_payload
from tests.live_server import ROOT, run_server

SECRET = "test-secret-key-0123456789abcdef"
pytestmark = pytest.mark.browser


def seed(env):
    cli = [sys.executable, "-m", "server.cli.main"]
    for command in ("migrate", "demo"):
        subprocess.run([*cli, command], env={**os.environ, **env}, cwd=ROOT, check=True, capture_output=True)


def ids(db_path):
    engine = sa.create_engine(f"sqlite:///{db_path}")
    with engine.connect() as conn:
        brand_id, session_id = conn.execute(sa.text("SELECT brand_id, id FROM live_sessions LIMIT 1")).one()
        partner_id = conn.execute(sa.text("SELECT id FROM partners WHERE name = 'Campus Deals'")).scalar_one()
    engine.dispose()
    return brand_id, session_id, partner_id


def write_order_paid(db_path, payload):
    """What the payments webhook does on a paid order: an `OrderPaid` row in the outbox."""
    engine = sa.create_engine(f"sqlite:///{db_path}")
    with Session(engine) as session:
        session.add(OutboxEvent(id=f"evt_{payload['order_id'][4:]}", topic="OrderPaid",
                                aggregate_id=payload["order_id"], payload=payload, created_at=utcnow()))
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
    await asyncio.to_thread(seed, env)
    brand_id, session_id, partner_id = ids(db_path)
    brand_token = demo_token(SECRET, "brand", "brand")
    with run_server(env, tmp_dir=tmp_path) as server:
        # given a period PK of every approved demo partner: 10 % bonus for first
        now = utcnow()
        body = {"name": "Evening PK", "metric": "gmv", "currency": "CNY", "entrants": {"partners": []},
                "scope": {"starts_at": (now - timedelta(seconds=5)).isoformat(),
                          "ends_at": (now + timedelta(hours=1)).isoformat()},
                "prize_tiers": [{"rank_from": 1, "rank_to": 1, "kind": "bonus_bps", "amount": "1000"}]}
        async with httpx.AsyncClient(base_url=server.base_url) as api:
            created = await api.post(f"/api/v1/brands/{brand_id}/competitions", json=body,
                                     headers={"Authorization": f"Bearer {brand_token}"})
        assert created.status_code == 201, created.text
        async with chromium() as browser:
            partner = await signed_in(browser, server.base_url,
                                      demo_token(SECRET, "partner: Campus Deals", "partner"), "/partner")
            mine = partner.locator("#pk-partner tr.mine")
            await mine.wait_for(timeout=10_000)
            assert "0.00 CNY" in await mine.inner_text()
            # when a buyer through Campus Deals pays 123.45 CNY
            order = order_paid_payload(brand_id, [("sku_demo", 12345)], partner_id=partner_id,
                                       session_id=session_id)
            await asyncio.to_thread(write_order_paid, db_path, order)
            # then the partner's row moves to the top without a reload
            await partner.locator('#pk-partner tr.mine[data-rank="1"]').filter(has_text="123.45 CNY").wait_for(
                timeout=10_000)
            # when the brand closes it from the console
            console = await signed_in(browser, server.base_url, brand_token, f"/console?session={session_id}")
            await console.locator("#pk-console button.pk-close").click(timeout=10_000)
            await console.locator('#pk-console article[data-state="closed"]').wait_for(timeout=10_000)
            # then the partner sees its final rank and bonus: 10 % of 12,345 = 1,234.5 → 1,234 (half-even)
            result = partner.locator('#pk-partner [data-role="result"]')
            await result.wait_for(timeout=10_000)
            assert "#1" in await result.inner_text() and "12.34 CNY" in await result.inner_text()
