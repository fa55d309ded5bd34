"""In two browsers against a real server process: viewer A starts a group of 2 on the live page
and pays (test mode, localstripe's signed webhook), copies the share link; viewer B opens it in
another browser context, joins and pays — and both pages show the group filled."""

from __future__ import annotations

import httpx
import pytest

from tests.browser import chromium
from tests.integration.checkout.test_checkout_page import admin_token, seed
from tests.live_server import run_server
from tests.stripe_server import API_KEY, WEBHOOK_SECRET

pytestmark = pytest.mark.browser


def make_offer(base: str, token: str, session_id: str, sku_id: str) -> dict:
    """Two buyers within 30 minutes at 39.00 instead of 59.00."""
    offer = httpx.post(
        f"{base}/api/v1/sessions/{session_id}/group-offers",
        json={"sku_id": sku_id, "group_price_minor": 3900, "group_size": 2, "window_minutes": 30},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert offer.status_code == 201, offer.text
    return offer.json()


async def pay_on_page(page, email: str) -> None:
    await page.fill("#gb-form input[name=email]", email)
    await page.fill("#gb-form input[name=shipping_address]", "8 West Lake Rd, Hangzhou")
    await page.click("#gb-pay")
    await page.wait_for_selector("#groupbuy[data-order-state='paid']", timeout=20_000)


async def test_two_viewers_fill_a_group_from_the_live_page(tmp_path, localstripe):
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'group.db'}",
        "STRIPE_API_KEY": API_KEY,
        "STRIPE_API_BASE": localstripe.base_url,
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_TEST_PAYMENTS": "1",
        "ORDER_SWEEP_INTERVAL_S": "0",
        "GROUP_SWEEP_INTERVAL_S": "0",
    }
    with run_server(env, tmp_dir=tmp_path) as server:
        localstripe.register_webhook(f"{server.base_url}/api/v1/payments/stripe/webhook", name=f"group-{server.port}")
        session_id, sku_id, token = seed(server.base_url, admin_token(env))
        offer = make_offer(server.base_url, token, session_id, sku_id)
        async with chromium() as browser:
            a = await (await browser.new_context()).new_page()
            b = await (await browser.new_context()).new_page()
            # given viewer A on the live page, who starts a group and pays
            await a.goto(f"{server.base_url}/live/{session_id}")
            await a.click(f".gb-offer[data-offer='{offer['id']}'] .gb-start")
            await pay_on_page(a, "a@example.com")
            await a.wait_for_selector("#gb-mine[data-state='open']")
            assert "1 of 2 paid" in await a.inner_text("#gb-mine-status")
            await a.click("#gb-copy")
            share = await a.input_value("#gb-share-link")
            assert "?group=" in share
            # when viewer B opens the shared link, joins and pays
            await b.goto(share)
            await b.wait_for_selector("#gb-invite:not([hidden]) #gb-join:not([disabled])")
            await b.click("#gb-join")
            await pay_on_page(b, "b@example.com")
            # then both pages show the group filled
            for page in (a, b):
                await page.wait_for_selector("#gb-mine[data-state='filled']", timeout=15_000)
                assert "Group filled" in await page.inner_text("#gb-mine-status")
        async with httpx.AsyncClient(base_url=server.base_url) as http:
            group = (await http.get(f"/api/v1/groups/{share.split('group=')[1]}")).json()
        assert (group["state"], group["seats_paid"]) == ("filled", 2)
