"""The checkout page with Stripe's Payment Element in deferred-intent mode, in Chromium with no
network: Stripe.js is a stand-in served through Playwright's routing (`stripe_js_standin.js`) that
records what the page asks of it and then leaves for the return URL the way Stripe does. The element
renders from the order's amount and currency; the client secret is fetched only once the buyer
presses Pay (after `elements.submit()`). The order turns paid only when the signed webhook arrives.
At 390×844, in a Chinese and an English browser, nothing is off-screen."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.browser import chromium
from tests.factories_checkout import post_webhook
from tests.integration.checkout.test_checkout_page import admin_token, seed
from tests.integration.checkout.test_stripe_shapes import stripe_event
from tests.live_server import run_server
from tests.stripe_server import API_KEY, WEBHOOK_SECRET

pytestmark = pytest.mark.browser
PUBLISHABLE_KEY = "pk_test_zhixiang_page"
STANDIN = (Path(__file__).parent / "stripe_js_standin.js").read_text()
CSP = (
    "script-src 'self' https://js.stripe.com; frame-src https://js.stripe.com https://hooks.stripe.com; "
    "connect-src 'self' https://api.stripe.com"
)


@pytest.fixture(scope="module")
def shop_server(tmp_path_factory, localstripe):
    tmp = tmp_path_factory.mktemp("element")
    env = {
        "DATABASE_URL": f"sqlite:///{tmp / 'shop.db'}",
        "STRIPE_API_KEY": API_KEY,
        "STRIPE_API_BASE": localstripe.base_url,
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_PUBLISHABLE_KEY": PUBLISHABLE_KEY,
        "ORDER_SWEEP_INTERVAL_S": "0",
        "PAYMENT_RECONCILE_INTERVAL_S": "0",
    }
    with run_server(env, tmp_dir=tmp) as server:
        yield server, admin_token(env)


async def offline_page(browser, locale: str = "en-US"):
    """A page whose only way out is the Stripe.js stand-in: anything else off the machine fails."""
    page = await browser.new_page(viewport={"width": 390, "height": 844}, locale=locale)
    page.csp_errors = []  # type: ignore[attr-defined]
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and page.csp_errors.append(message.text),  # type: ignore[attr-defined]
    )

    async def route(request_route):
        url = request_route.request.url
        if url.startswith("http://127.0.0.1"):
            await request_route.continue_()
        elif url.startswith("https://js.stripe.com/v3"):
            await request_route.fulfill(status=200, content_type="application/javascript", body=STANDIN)
        else:
            await request_route.abort()

    await page.route("**/*", route)
    return page


async def place_order(page, base: str, session_id: str, sku_id: str) -> None:
    response = await page.goto(f"{base}/live/{session_id}/checkout")
    assert response.headers["content-security-policy"] == CSP
    await page.click(f"button.add[data-sku='{sku_id}']")
    await page.wait_for_selector(f"#cart-lines li[data-sku='{sku_id}']")
    await page.fill("input[name=email]", "buyer@example.com")
    await page.fill("input[name=shipping_address]", "8 West Lake Rd, Hangzhou")
    await page.click("#pay")
    await page.wait_for_selector("#payment-element:has-text('[Payment Element]')")


async def the_order(base: str, token: str, session_id: str) -> dict:
    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {token}"}) as http:
        brand_id = (await http.get(f"/api/v1/sessions/{session_id}")).json()["brand_id"]
        [order] = (await http.get(f"/api/v1/brands/{brand_id}/orders")).json()["items"]
    return order  # type: ignore[no-any-return]


async def webhook(base: str, kind: str, order: dict, status: str) -> None:
    async with httpx.AsyncClient(base_url=base) as http:
        response = await post_webhook(http, stripe_event(kind, order, status), WEBHOOK_SECRET)
    assert response.status_code == 200, response.text


async def confirm(page, status: str, button: str = "#confirm-pay") -> list:
    """Press Pay in the payment panel; while Stripe.js confirms the button stays disabled. Returns
    the stand-in's calls as they were at that moment."""
    await page.evaluate("window.__stripe.finish = null")
    await page.click(button)
    await page.wait_for_function("() => window.__stripe.finish !== null")
    assert await page.is_disabled(button)
    calls = await page.evaluate("window.__stripe.calls")
    # after this evaluate returns: Stripe's redirect navigates away
    await page.evaluate("status => { setTimeout(() => window.__stripe.finish(status), 0); }", status)
    return calls  # type: ignore[no-any-return]


async def nothing_off_screen(page, selector: str) -> None:
    """At the phone's width: no sideways scrolling, and the panel inside the viewport's width."""
    width = await page.evaluate("document.documentElement.scrollWidth")
    box = await page.locator(selector).bounding_box()
    assert width <= 390, f"the page scrolls sideways: {width}px"
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, box


def deferred_calls(calls: list, key: str, amount_minor: int, selector: str) -> None:
    """Stripe.js built with the shop's key and the Payment Element from the order's amount, no secret."""
    assert calls[:4] == [
        ["Stripe", key],
        ["elements", {"mode": "payment", "amount": amount_minor, "currency": "cny"}],
        ["create", "payment"],
        ["mount", selector],
    ]


def paid_with(calls: list, return_url: str) -> str:
    """`submit()` before any client secret was fetched, then confirmPayment with the secret: that secret."""
    submit, confirmed = calls[-2], calls[-1]
    assert submit[0] == "submit" and confirmed[0] == "confirmPayment" and confirmed[2] == return_url
    return str(confirmed[1])


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
async def test_the_buyer_pays_in_the_payment_element_and_the_webhook_makes_it_paid(shop_server, locale):
    server, admin = shop_server
    session_id, sku_id, token = seed(server.base_url, admin)
    async with chromium() as browser:
        page = await offline_page(browser, locale)
        await place_order(page, server.base_url, session_id, sku_id)
        order = await the_order(server.base_url, token, session_id)
        # the element is up with the shop's key and the order's 59.00 CNY, and no intent exists yet
        deferred_calls(await page.evaluate("window.__stripe.calls"), PUBLISHABLE_KEY, 5900, "#payment-element")
        assert order["payment_intent_id"] is None
        panel = await page.inner_text("#payment-panel")
        zh = locale == "zh-CN"
        # in the reader's language only (checkout_strings.js), the other's words nowhere
        assert ("商品已为您保留" in panel) is zh and ("Your items are reserved" in panel) is not zh
        await nothing_off_screen(page, "#payment-panel")
        calls = await confirm(page, "succeeded")
        # Pay: submit() came before the client secret was fetched; confirmPayment got that secret
        return_url = f"{server.base_url}/live/{session_id}/checkout/return?order={order['id']}"
        assert calls[-2] == ["submit", 0]
        secret = paid_with(calls, return_url)
        order = await the_order(server.base_url, token, session_id)
        assert secret.startswith(f"{order['payment_intent_id']}_secret_")
        # Stripe said "succeeded", but nothing is paid until the signed webhook arrives
        await page.wait_for_selector("#checkout-return[data-outcome='processing']")
        assert page.url.startswith(f"{return_url}&payment_intent={order['payment_intent_id']}&")
        assert (await the_order(server.base_url, token, session_id))["state"] == "pending_payment"
        await nothing_off_screen(page, "#outcome")
        await webhook(server.base_url, "payment_intent.succeeded", order, "succeeded")
        await page.wait_for_selector("#checkout-return[data-outcome='paid']", timeout=10_000)
        outcome = await page.inner_text("#outcome")
        assert ("已支付" in outcome) is zh and ("Paid" in outcome) is not zh
        assert page.csp_errors == []
    assert (await the_order(server.base_url, token, session_id))["state"] == "paid"


async def test_a_processing_method_shows_processing_until_stripe_confirms(shop_server):
    server, admin = shop_server
    session_id, sku_id, token = seed(server.base_url, admin)
    async with chromium() as browser:
        page = await offline_page(browser)
        await place_order(page, server.base_url, session_id, sku_id)
        await confirm(page, "processing")
        await page.wait_for_selector("#checkout-return[data-outcome='processing']")
        order = await the_order(server.base_url, token, session_id)
        await webhook(server.base_url, "payment_intent.processing", order, "processing")
        assert (await the_order(server.base_url, token, session_id))["state"] == "processing"
        assert await page.get_attribute("#checkout-return", "data-outcome") == "processing"
        await webhook(server.base_url, "payment_intent.succeeded", order, "succeeded")
        await page.wait_for_selector("#checkout-return[data-outcome='paid']", timeout=10_000)


async def test_a_failed_attempt_keeps_the_hold_and_the_buyer_tries_again(shop_server):
    server, admin = shop_server
    session_id, sku_id, token = seed(server.base_url, admin)
    async with chromium() as browser:
        page = await offline_page(browser)
        await place_order(page, server.base_url, session_id, sku_id)
        order = await the_order(server.base_url, token, session_id)
        return_url = f"{server.base_url}/live/{session_id}/checkout/return?order={order['id']}"
        # a card declined on the spot: the panel says so and Pay works again
        first = paid_with(await confirm(page, "error"), return_url)
        await page.wait_for_selector("#payment-error:has-text('Your card was declined.')")
        assert not await page.is_disabled("#confirm-pay")
        # a redirect method that failed: the same PaymentIntent; the return page says so; the hold stays
        assert paid_with(await confirm(page, "failed"), return_url) == first
        await page.wait_for_selector("#checkout-return[data-outcome='failed']")
        assert "try again" in await page.inner_text("#outcome")
        order = await the_order(server.base_url, token, session_id)
        assert order["state"] == "pending_payment" and first.startswith(f"{order['payment_intent_id']}_secret_")
        # and "try again" brings back the Payment Element for the same order, still in deferred mode
        await page.click("#retry")
        await page.wait_for_selector("#payment-element:has-text('[Payment Element]')")
        deferred_calls(await page.evaluate("window.__stripe.calls"), PUBLISHABLE_KEY, 5900, "#payment-element")
        assert paid_with(await confirm(page, "error"), return_url) == first
