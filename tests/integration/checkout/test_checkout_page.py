"""End to end in a browser: a viewer opens the checkout page of a live session served by a real
server process, adds a SKU, fills in contact and address, pays (test mode against localstripe,
whose signed webhook then reaches the server), and sees the result; the stock has moved."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.browser import chromium
from tests.live_server import ROOT, run_server
from tests.stripe_server import API_KEY, WEBHOOK_SECRET, RestartableStripe

pytestmark = pytest.mark.browser


def admin_token(env: dict[str, str]) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "server.cli.main", "token", "create", "--role", "admin"],
        env={**os.environ, "SECRET_KEY": "test-secret-key-0123456789abcdef", **env},
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return out.split()[-1]


def seed(base: str, token: str) -> tuple[str, str, str]:
    """A live session selling one SKU (3 units at 59.00); returns (session id, sku id, brand token)."""
    http = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"})
    slug = f"b-{uuid.uuid4().hex[:8]}"
    brand = http.post("/api/v1/brands", json={"name": "Tea House", "slug": slug, "default_currency": "CNY"}).json()
    sku = http.post(
        f"/api/v1/brands/{brand['id']}/skus",
        json={"code": "TEA-1", "title": "Longjing tea", "price_minor": 5900, "stock": 3},
    ).json()
    start = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    live = http.post(
        f"/api/v1/brands/{brand['id']}/sessions", json={"title": "Spring tea live", "scheduled_start_at": start}
    ).json()
    http.post(f"/api/v1/sessions/{live['id']}/lineup", json={"sku_id": sku["id"]}).raise_for_status()
    http.post(f"/api/v1/sessions/{live['id']}/state", json={"state": "live"}).raise_for_status()
    return live["id"], sku["id"], token


async def test_viewer_buys_a_sku_on_the_checkout_page(tmp_path, localstripe):
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shop.db'}",
        "STRIPE_API_KEY": API_KEY,
        "STRIPE_API_BASE": localstripe.base_url,
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_TEST_PAYMENTS": "1",
        "ORDER_SWEEP_INTERVAL_S": "0",
    }
    with run_server(env, tmp_dir=tmp_path) as server:
        localstripe.register_webhook(f"{server.base_url}/api/v1/payments/stripe/webhook", name=f"page-{server.port}")
        session_id, sku_id, token = seed(server.base_url, admin_token(env))
        async with chromium() as browser:
            page = await browser.new_page(locale="en-US")
            # given the viewer on the session's checkout page
            await page.goto(f"{server.base_url}/live/{session_id}/checkout?ref=LINK1")
            # when they add the tea, give an email and an address, and pay
            await page.click(f"button.add[data-sku='{sku_id}']")
            await page.wait_for_selector(f"#cart-lines li[data-sku='{sku_id}']")
            await page.fill("input[name=email]", "buyer@example.com")
            await page.fill("input[name=shipping_address]", "8 West Lake Rd, Hangzhou")
            await page.click("#pay")
            # then the page says it is paid (after localstripe's signed webhook reached the server)
            await page.wait_for_selector("#checkout[data-order-state='paid']", timeout=20_000)
            assert "Paid" in await page.inner_text("#result")
        # and the order is paid with one unit sold, at the server's price
        async with httpx.AsyncClient(base_url=server.base_url, headers={"Authorization": f"Bearer {token}"}) as http:
            lineup = (await http.get(f"/api/v1/sessions/{session_id}/lineup")).json()["items"]
            brand_id = (await http.get(f"/api/v1/sessions/{session_id}")).json()["brand_id"]
            orders = (await http.get(f"/api/v1/brands/{brand_id}/orders")).json()["items"]
        assert lineup[0]["stock"] == 2
        assert [(o["state"], o["amount_minor"]) for o in orders] == [("paid", 5900)]


async def test_the_page_keeps_the_order_when_stripe_is_down_and_pays_once_it_is_back(tmp_path):
    stripe = RestartableStripe(tmp_path)
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shop.db'}",
        "STRIPE_API_KEY": API_KEY,
        "STRIPE_API_BASE": stripe.base_url,
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_TEST_PAYMENTS": "1",
        "ORDER_SWEEP_INTERVAL_S": "0",
    }
    try:
        with run_server(env, tmp_dir=tmp_path) as server:
            session_id, sku_id, token = seed(server.base_url, admin_token(env))
            async with chromium() as browser:
                page = await browser.new_page(locale="en-US")
                # given the viewer with the tea in the cart and the form filled in
                await page.goto(f"{server.base_url}/live/{session_id}/checkout")
                await page.click(f"button.add[data-sku='{sku_id}']")
                await page.wait_for_selector(f"#cart-lines li[data-sku='{sku_id}']")
                await page.fill("input[name=email]", "buyer@example.com")
                await page.fill("input[name=shipping_address]", "8 West Lake Rd, Hangzhou")
                # when Stripe is down and they pay
                stripe.stop()
                await page.click("#pay")
                # then the order holds the tea all the same (checkout does not call Stripe), and paying
                # it says (in the browser's English) that Stripe is unavailable and the items stay reserved
                notice = await page.wait_for_selector("#provider-down:not([hidden])", timeout=20_000)
                text = await notice.inner_text()
                assert "Payment provider unavailable, your items stay reserved" in text
                # when Stripe is back and they pay again (the same Idempotency-Key, kept by the page)
                stripe.start().register_webhook(f"{server.base_url}/api/v1/payments/stripe/webhook")
                await page.click("#pay")
                # then it is paid, and the notice is gone
                await page.wait_for_selector("#checkout[data-order-state='paid']", timeout=20_000)
                assert await page.locator("#provider-down").is_hidden()
            async with httpx.AsyncClient(
                base_url=server.base_url, headers={"Authorization": f"Bearer {token}"}
            ) as http:
                lineup = (await http.get(f"/api/v1/sessions/{session_id}/lineup")).json()["items"]
                brand_id = (await http.get(f"/api/v1/sessions/{session_id}")).json()["brand_id"]
                orders = (await http.get(f"/api/v1/brands/{brand_id}/orders")).json()["items"]
            # one unit sold, by the one order the page placed before Stripe went down
            assert lineup[0]["stock"] == 2
            assert [o["state"] for o in orders] == ["paid"]
    finally:
        stripe.stop()
