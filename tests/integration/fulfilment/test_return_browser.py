"""A return end to end in Chromium: on a 390 px phone, in Chinese, the buyer asks to return one of
two units from the order page; at the desk the brand approves it with a return address and
confirms the goods came back; the refund goes through Stripe and the partner's pending commission
for that unit disappears — reversed from pending, nothing clawed back."""

from __future__ import annotations

import pytest

from tests.browser import chromium
from tests.database import empty_tables
from tests.factories_fulfilment import confirm, partner_balances, partner_bought, ship
from tests.factories_liveroom import serving

pytestmark = pytest.mark.browser


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    """Pages do not depend on the database flavour: SQLite only (as the accessibility test)."""
    empty_tables(sqlite_url)
    return sqlite_url


async def _page(browser, host, cookies, width, height, locale, path):
    context = await browser.new_context(viewport={"width": width, "height": height}, locale=locale)
    await context.add_cookies([{"name": k, "value": v, "url": f"http://{host}"} for k, v in cookies.items()])
    page = await context.new_page()
    await page.goto(f"http://{host}{path}")
    return page


def visitor_cookie(headers):
    pairs = dict(part.strip().split("=", 1) for part in headers["Cookie"].split(";"))
    return {"zx_vid": pairs["zx_vid"]}


async def test_buyer_returns_on_a_phone_and_the_brand_approves_and_receives_it(app, client, localstripe):
    # given an order of two units at 100.00 through a partner's link (20.00 pending), shipped and received
    b, partner = await partner_bought(app, client, localstripe, release_on="completion")
    await ship(client, b)
    await confirm(client, b)
    assert await partner_balances(app, partner) == {"pending": 2000}
    async with serving(app) as host, chromium() as browser:
        # when the buyer, on a phone in Chinese, asks to return one unit
        phone = await _page(browser, host, visitor_cookie(b.buyer), 390, 844, "zh-CN", f"/orders/{b.order['id']}")
        await phone.locator("#b-state", has_text="已收货").wait_for()
        await phone.click("#b-open-request")
        await phone.fill("#b-reason", "尺码不合适")
        await phone.click("#b-send")
        await phone.locator("#b-aftersales li.aftersale-requested").wait_for()
        assert "等待商家处理" in await phone.text_content("#b-aftersales")
        assert await phone.evaluate("document.documentElement.scrollWidth") <= 390
        # and the brand, at its desk, approves with a return address, then confirms receipt
        desk = await _page(
            browser, host, {"zx_token": b.shop.token}, 1366, 900, "en-US", f"/console/orders/{b.order['id']}"
        )
        await desk.locator("#f-aftersales li.aftersale-requested").wait_for()
        await desk.fill("#f-aftersales input[id^=addr-]", "Returns dock, 9 Huaihai Rd")
        await desk.click("#f-aftersales button:text('Approve')")
        await desk.locator("#f-aftersales li.aftersale-approved").wait_for()
        await desk.click("#f-aftersales button:text('Goods received: refund')")
        await desk.locator("#f-aftersales li.aftersale-refunded").wait_for()
        # then the buyer sees it refunded, Stripe holds the refund, and the partner's commission for
        # the returned unit left pending without touching available
        await phone.reload()
        await phone.locator("#b-aftersales li.aftersale-refunded").wait_for()
        assert [r["amount"] for r in localstripe.refunds_of(b.order["payment_intent_id"])] == [10000]
    await app.state.dispatcher.drain()
    assert await partner_balances(app, partner) == {"pending": 1000}
