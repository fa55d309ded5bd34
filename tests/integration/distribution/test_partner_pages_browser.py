"""The partner console in Chromium against the real server: a click through the partner's link
moves its funnel without a reload, and the brand's page shows every partner side by side."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import httpx
import pytest

from server.demo.seed import demo_token
from tests.browser import chromium
from tests.live_server import ROOT, run_server

SECRET = "test-secret-key-0123456789abcdef"
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 MicroMessenger/8.0.47"

pytestmark = pytest.mark.browser


def seed(env):
    cli = [sys.executable, "-m", "server.cli.main"]
    for command in ("migrate", "demo"):
        subprocess.run([*cli, command], env={**os.environ, **env}, cwd=ROOT, check=True, capture_output=True)


async def signed_in_page(browser, base_url, token, path):
    context = await browser.new_context()
    await context.add_cookies([{"name": "zx_token", "value": token, "url": base_url}])
    page = await context.new_page()
    await page.goto(base_url + path)
    await page.locator('#funnel [data-role="status"]').filter(has_text="live").wait_for(timeout=10_000)
    return page


async def test_partner_funnel_moves_live_when_someone_clicks_the_link(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'pages.db'}", "SECRET_KEY": SECRET, "LOG_LEVEL": "WARNING"}
    await asyncio.to_thread(seed, env)
    with run_server(env, tmp_dir=tmp_path) as server:
        async with chromium() as browser:
            # given the demo partner "Campus Deals" signed in to its console
            page = await signed_in_page(
                browser, server.base_url, demo_token(SECRET, "partner: Campus Deals", "partner"), "/partner"
            )
            code = await page.locator("#link-list li[data-code]").first.get_attribute("data-code")
            clicks = page.locator(f'#funnel tr[data-code="{code}"] td[data-field="clicks"]')
            await clicks.filter(has_text="0").wait_for(timeout=10_000)
            assert await page.locator("img.qr").count() >= 1
            # when a viewer opens the partner's link
            async with httpx.AsyncClient() as viewer:
                response = await viewer.get(f"{server.base_url}/l/{code}", headers={"User-Agent": PHONE})
            assert response.status_code == 302 and f"ref={code}" in response.headers["location"]
            # then the partner's clicks move without a reload
            await clicks.filter(has_text="1").wait_for(timeout=10_000)
            # and the brand sees the partners side by side, this one with its click
            brand = await signed_in_page(
                browser, server.base_url, demo_token(SECRET, "brand", "brand"), "/console/partners"
            )
            rows = brand.locator("#funnel tbody tr")
            await rows.nth(4).wait_for(timeout=10_000)
            assert await rows.count() == 5
            first = await rows.first.inner_text()
            assert "Campus Deals" in first and "\t1\t" in first.replace("\n", "\t")
