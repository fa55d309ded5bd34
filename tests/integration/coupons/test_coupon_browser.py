"""In a browser, against a real server process: the brand drops a coupon while a viewer watches,
the card appears, the viewer claims it, goes to checkout, sees the discount, pays (test mode at
localstripe, whose signed webhook reaches the server) and the order is paid at the discounted price."""

from __future__ import annotations

import httpx
import pytest

from tests.browser import chromium
from tests.factories_coupons import coupon_body
from tests.integration.checkout.test_checkout_page import admin_token, seed
from tests.live_server import run_server
from tests.stripe_server import API_KEY, WEBHOOK_SECRET

pytestmark = pytest.mark.browser


async def test_viewer_claims_a_dropped_coupon_and_pays_the_discounted_total(tmp_path, localstripe):
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shop.db'}",
        "STRIPE_API_KEY": API_KEY,
        "STRIPE_API_BASE": localstripe.base_url,
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_TEST_PAYMENTS": "1",
        "ORDER_SWEEP_INTERVAL_S": "0",
    }
    with run_server(env, tmp_dir=tmp_path) as server:
        localstripe.register_webhook(f"{server.base_url}/api/v1/payments/stripe/webhook", name=f"cpn-{server.port}")
        session_id, sku_id, token = seed(server.base_url, admin_token(env))  # one SKU at 59.00
        async with httpx.AsyncClient(base_url=server.base_url, headers={"Authorization": f"Bearer {token}"}) as http:
            brand_id = (await http.get(f"/api/v1/sessions/{session_id}")).json()["brand_id"]
            coupon = (
                await http.post(
                    f"/api/v1/brands/{brand_id}/coupons", json=coupon_body(title="Tea lovers", amount_off_minor=1000)
                )
            ).json()
            async with chromium() as browser:
                page = await browser.new_page()
                # given a viewer in the live room
                await page.goto(f"{server.base_url}/live/{session_id}")
                await page.wait_for_selector("#live[data-connected='1']", timeout=10_000)  # the room socket is open
                # when the brand drops the coupon
                dropped = await http.post(
                    f"/api/v1/sessions/{session_id}/coupon-drops", json={"coupon_id": coupon["id"]}
                )
                assert dropped.status_code == 201, dropped.text
                # then its card appears, and the viewer claims it
                card = f".coupon-card[data-coupon='{coupon['id']}']"
                await page.wait_for_selector(card, timeout=10_000)
                assert "Tea lovers" in await page.inner_text(card)
                await page.click(f"{card} .coupon-claim")
                await page.wait_for_selector(f"{card}[data-state='claimed']", timeout=10_000)
                # when the brand, in its console, sees the claim, creates a 15 %-off coupon and drops it
                console = await _console(browser, server.base_url, token, session_id)
                await console.wait_for_selector(f"tr[data-coupon='{coupon['id']}'] .claimed:has-text('1 / 10')")
                await console.fill("#coupon-form input[name=title]", "Fifteen off")
                await console.select_option("#coupon-form select[name=kind]", "percent")
                await console.fill("#coupon-form input[name=value]", "15")
                await console.click("#coupon-form button[type=submit]")
                await console.click("tr:has-text('Fifteen off') button:has-text('Drop now')")
                # then the viewer sees that card too
                await page.wait_for_selector(".coupon-card:has-text('Fifteen off'):has-text('15% off')", timeout=10_000)
                # when they go to checkout and put the tea in the cart
                await page.goto(f"{server.base_url}/live/{session_id}/checkout")
                await page.click(f"button.add[data-sku='{sku_id}']")
                await page.wait_for_selector(f"#cart-lines li[data-sku='{sku_id}']")
                # then the coupon is picked and the total shows the discount
                await page.wait_for_selector("#coupon-panel:not([hidden]) input[name=coupon]:checked:not([value=''])")
                assert "49" in await page.inner_text("#sum-total") and "10" in await page.inner_text("#sum-discount")
                # and paying charges the discounted total
                await page.fill("input[name=email]", "buyer@example.com")
                await page.fill("input[name=shipping_address]", "8 West Lake Rd, Hangzhou")
                await page.click("#pay")
                await page.wait_for_selector("#checkout[data-order-state='paid']", timeout=20_000)
            orders = (await http.get(f"/api/v1/brands/{brand_id}/orders")).json()["items"]
            used = (await http.get(f"/api/v1/coupons/{coupon['id']}")).json()
        assert [(o["state"], o["amount_minor"], o["discount_minor"]) for o in orders] == [("paid", 4900, 1000)]
        assert (used["claimed"], used["used"]) == (1, 1)


async def _console(browser, base_url: str, token: str, session_id: str):
    context = await browser.new_context()
    await context.add_cookies([{"name": "zx_token", "value": token, "url": base_url}])
    console = await context.new_page()
    await console.goto(f"{base_url}/console?session={session_id}")
    return console
