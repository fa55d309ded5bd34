"""The group-buy card pays its seat with Stripe's Payment Element exactly as checkout does (the
shared `payment_element.js`, deferred-intent mode), in Chromium with no network: Stripe.js is the
checkout tests' stand-in served through Playwright's routing. Stripe brings the buyer back to the
live room (`?gb_order=…`), which says what Stripe said and then what the order says; only the signed
webhook makes the seat paid. At 390×844, in a Chinese and an English browser, nothing is off-screen."""

from __future__ import annotations

import pytest

from tests.browser import chromium
from tests.integration.checkout.test_checkout_page import admin_token, seed
from tests.integration.checkout.test_payment_element_page import (
    CSP,
    PUBLISHABLE_KEY,
    confirm,
    deferred_calls,
    nothing_off_screen,
    offline_page,
    paid_with,
    the_order,
    webhook,
)
from tests.integration.groupbuy.test_groupbuy_page import make_offer
from tests.live_server import run_server
from tests.stripe_server import API_KEY, WEBHOOK_SECRET

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def group_server(tmp_path_factory, localstripe):
    tmp = tmp_path_factory.mktemp("group-element")
    env = {
        "DATABASE_URL": f"sqlite:///{tmp / 'group.db'}",
        "STRIPE_API_KEY": API_KEY,
        "STRIPE_API_BASE": localstripe.base_url,
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_PUBLISHABLE_KEY": PUBLISHABLE_KEY,
        "ORDER_SWEEP_INTERVAL_S": "0",
        "GROUP_SWEEP_INTERVAL_S": "0",
        "PAYMENT_RECONCILE_INTERVAL_S": "0",
    }
    with run_server(env, tmp_dir=tmp) as server:
        yield server, admin_token(env)


async def take_a_seat(page, base: str, session_id: str, offer_id: str) -> None:
    """Start a group on the live page and give the details: the seat is held, the element shows."""
    response = await page.goto(f"{base}/live/{session_id}")
    assert response.headers["content-security-policy"] == CSP
    await page.click("#bag-btn")  # on a phone the group-buy offers are in the bag's sheet
    await page.click(f".gb-offer[data-offer='{offer_id}'] .gb-start")
    await page.fill("#gb-form input[name=email]", "a@example.com")
    await page.fill("#gb-form input[name=shipping_address]", "8 West Lake Rd, Hangzhou")
    await page.click("#gb-pay")
    await page.wait_for_selector("#gb-payment-element:has-text('[Payment Element]')")


def setup(server, admin) -> tuple[str, str, str, str]:
    session_id, sku_id, token = seed(server.base_url, admin)
    offer = make_offer(server.base_url, token, session_id, sku_id)
    return session_id, sku_id, token, offer["id"]


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
async def test_a_seat_is_paid_in_the_payment_element_and_the_webhook_makes_it_paid(group_server, locale):
    server, admin = group_server
    session_id, _, token, offer_id = setup(server, admin)
    async with chromium() as browser:
        page = await offline_page(browser, locale)
        await take_a_seat(page, server.base_url, session_id, offer_id)
        order = await the_order(server.base_url, token, session_id)
        # the element is up with the shop's key and the seat's 39.00 CNY; no intent yet
        deferred_calls(await page.evaluate("window.__stripe.calls"), PUBLISHABLE_KEY, 3900, "#gb-payment-element")
        assert order["payment_intent_id"] is None and order["amount_minor"] == 3900
        panel = await page.inner_text("#gb-payment")
        assert "支付" in panel and "Payment" in panel and "Your seat is held" in panel
        await nothing_off_screen(page, "#gb-payment")
        # Pay: submit() before the secret was fetched, then confirmPayment back to this room
        calls = await confirm(page, "succeeded", "#gb-confirm-pay")
        return_url = f"{server.base_url}/live/{session_id}?gb_order={order['id']}"
        assert calls[-2] == ["submit", 0]
        secret = paid_with(calls, return_url)
        order = await the_order(server.base_url, token, session_id)
        assert secret.startswith(f"{order['payment_intent_id']}_secret_")
        # back in the room: "processing" until the signed webhook, and nothing paid before it
        await page.wait_for_selector("#groupbuy[data-payment='processing']")
        assert page.url.startswith(f"{return_url}&payment_intent={order['payment_intent_id']}&")
        assert "Processing" in await page.inner_text("#gb-mine-status")
        assert (await the_order(server.base_url, token, session_id))["state"] == "pending_payment"
        await nothing_off_screen(page, "#gb-mine")
        await webhook(server.base_url, "payment_intent.succeeded", order, "succeeded")
        await page.wait_for_selector("#groupbuy[data-payment='paid']", timeout=10_000)
        paid = "已付款 1/2" if locale == "zh-CN" else "1 of 2 paid"  # the page speaks the browser's language
        await page.wait_for_selector(f"#gb-mine-status:has-text('{paid}')", timeout=10_000)
        assert page.csp_errors == []
    assert (await the_order(server.base_url, token, session_id))["state"] == "paid"


async def test_a_processing_seat_shows_processing_until_stripe_confirms(group_server):
    server, admin = group_server
    session_id, _, token, offer_id = setup(server, admin)
    async with chromium() as browser:
        page = await offline_page(browser)
        await take_a_seat(page, server.base_url, session_id, offer_id)
        await confirm(page, "processing", "#gb-confirm-pay")
        await page.wait_for_selector("#groupbuy[data-payment='processing']")
        order = await the_order(server.base_url, token, session_id)
        await webhook(server.base_url, "payment_intent.processing", order, "processing")
        assert (await the_order(server.base_url, token, session_id))["state"] == "processing"
        assert await page.get_attribute("#groupbuy", "data-payment") == "processing"
        await webhook(server.base_url, "payment_intent.succeeded", order, "succeeded")
        await page.wait_for_selector("#groupbuy[data-payment='paid']", timeout=10_000)


async def test_a_failed_seat_payment_keeps_the_seat_and_the_buyer_tries_again(group_server):
    server, admin = group_server
    session_id, _, token, offer_id = setup(server, admin)
    async with chromium() as browser:
        page = await offline_page(browser)
        await take_a_seat(page, server.base_url, session_id, offer_id)
        order = await the_order(server.base_url, token, session_id)
        return_url = f"{server.base_url}/live/{session_id}?gb_order={order['id']}"
        # declined on the spot: the card says so, Pay works again
        first = paid_with(await confirm(page, "error", "#gb-confirm-pay"), return_url)
        await page.wait_for_selector("#gb-payment-error:has-text('Your card was declined.')")
        assert not await page.is_disabled("#gb-confirm-pay")
        # a redirect method that failed: back in the room it says so, and the element is there again
        assert paid_with(await confirm(page, "failed", "#gb-confirm-pay"), return_url) == first
        await page.wait_for_selector("#groupbuy[data-payment='failed']")
        assert "try again" in await page.inner_text("#gb-mine-status")
        await page.wait_for_selector("#gb-payment-element:has-text('[Payment Element]')")
        assert (await the_order(server.base_url, token, session_id))["state"] == "pending_payment"
        # and paying again uses the same PaymentIntent
        assert paid_with(await confirm(page, "error", "#gb-confirm-pay"), return_url) == first
