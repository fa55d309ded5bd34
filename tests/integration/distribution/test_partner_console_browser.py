"""The partner console in Chromium against the served app, on a desk (1366×900) and a phone
(390×844), in English and Chinese: after a sale refunded after its payout, the earnings on the page are the
ledger's, with the 3.00 clawback flagged; the partner creates a SKU link, downloads its poster (a
PNG whose QR code opens the link, with the 「广告」 label), and the share code pasted on the home
page opens the link. Neither page is wider than its screen."""

from __future__ import annotations

import asyncio
import io
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from distribution.sharing.poster import LABEL_BOX, label_image
from server.kernel.clock import utcnow
from tests.app_settings import stripe_settings
from tests.browser import chromium
from tests.factories import auth
from tests.factories_liveroom import serving
from tests.factories_partner_console import ledger_balances, refund_after_payout

pytestmark = pytest.mark.browser
zxingcpp = pytest.importorskip("zxingcpp")


@pytest.fixture
def settings(sqlite_url, localstripe, connect_server):
    from tests.database import empty_tables

    empty_tables(sqlite_url)
    return stripe_settings(sqlite_url, localstripe, stripe_connect_api_base=connect_server.base_url)


async def _page(browser, host, token, width, height, locale):
    context = await browser.new_context(
        viewport={"width": width, "height": height}, locale=locale, accept_downloads=True
    )
    await context.add_cookies([{"name": "zx_token", "value": token, "url": f"http://{host}"}])
    page = await context.new_page()
    await page.goto(f"http://{host}/partner")
    await page.locator("#balances .balance-available").wait_for()
    return page


async def _fits(page, width):
    assert await page.evaluate("document.documentElement.scrollWidth") <= width


async def _shown_balances(page) -> dict[str, int]:
    cards = page.locator("#balances .balance")
    shown = {}
    for i in range(await cards.count()):
        card = cards.nth(i)
        shown[await card.get_attribute("data-kind")] = int(await card.get_attribute("data-minor"))
    return shown


async def _earnings_equal_the_ledger(app, page, partner_id, order_id):
    ledger = await ledger_balances(app, partner_id)
    assert await _shown_balances(page) == {k: ledger.get(k, 0) for k in ("pending", "available", "in_flight", "paid")}
    clawback = page.locator("#balances .clawback")
    assert await clawback.get_attribute("data-minor") == "300"
    assert order_id in await clawback.text_content()
    assert await page.locator("#payouts li.payout-paid code.transfer").count() == 1


async def _poster_opens_the_link(page, card, url):
    async with page.expect_download() as info:
        await card.locator("a.poster").click()
    data = await asyncio.to_thread(Path(await (await info.value).path()).read_bytes)
    poster = Image.open(io.BytesIO(data))
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and poster.format == "PNG"
    assert [r.text for r in zxingcpp.read_barcodes(poster)] == [url]
    assert ImageChops.difference(poster.convert("RGB").crop(LABEL_BOX), label_image()).getbbox() is None


async def test_partner_console_on_desk_and_phone(app, client, localstripe, connect_server):
    w = await refund_after_payout(app, client, localstripe, connect_server)
    sku = (await client.get(f"/api/v1/skus/{w.shop.shop.sku_id}", headers=auth(w.shop.shop.token))).json()
    async with serving(app) as host, chromium() as browser:
        # on a desk, in English: the earnings are the ledger's, the clawback flagged with its order
        page = await _page(browser, host, w.partner_token, 1366, 900, "en-US")
        await _earnings_equal_the_ledger(app, page, w.shop.partner_id, w.order["id"])
        assert "10.00%" in await page.text_content("#partnerships td.rate")
        assert "(a clawback)" in await page.text_content("#next-payout")
        # and the statement of the last 30 days closes on the same −3.00, with its CSV for that period
        await page.fill("#st-from", (utcnow() - timedelta(days=30)).date().isoformat())
        await page.fill("#st-until", utcnow().date().isoformat())
        await page.click("#statement-form button[type=submit]")
        closing = page.locator('#statement dl[data-currency="CNY"] dd[data-field="closing_owed_minor"]')
        await closing.wait_for()
        assert "-CN¥3.00" in (await closing.text_content()).replace("\u2212", "-")
        assert "since=" in await page.get_attribute("#statement-csv", "href")
        await page.locator("#customer-list li.customer").wait_for()
        await _fits(page, 1366)
        # when the partner creates a link to the SKU from the console
        await page.select_option("#link-target", "sku")
        await page.select_option("#link-sku", w.shop.shop.sku_id)
        await page.fill("#link-label", "Group A")
        await page.click("#link-create")
        await page.wait_for_function("document.querySelectorAll('#link-list li.link-card').length === 2")
        card = page.locator("#link-list li.link-card", has_text="Group A")
        # then it says where it goes by the SKU's title, and its poster's QR code opens it
        assert await card.locator(".goes-to").text_content() == sku["title"]
        url = await card.locator(".link-url").text_content()
        await _poster_opens_the_link(page, card, url)
        # and its share code, pasted on the home page, opens the link (to the live room, attributed)
        code = await card.locator(".code-text").text_content()
        await page.goto(f"http://{host}/")
        await page.fill("#share-code-q", f"【{code}】{sku['title']} 复制这段口令")
        await page.click(".share-code-box button[type=submit]")
        await page.wait_for_url(f"**/live/**ref={url.rsplit('/', 1)[1]}**")
        # on a phone, in Chinese: the same numbers, translated, and nothing wider than the screen
        phone = await _page(browser, host, w.partner_token, 390, 844, "zh-CN")
        assert await phone.text_content("h1") == "分销伙伴控制台"
        await _earnings_equal_the_ledger(app, phone, w.shop.partner_id, w.order["id"])
        await phone.locator("#customer-list li.customer").wait_for()
        await _fits(phone, 390)
        phone_card = phone.locator("#link-list li.link-card", has_text="Group A")
        await _poster_opens_the_link(phone, phone_card, url)
        await _fits(phone, 390)
        # and the other two pairings: a desk in Chinese, a phone in English
        for width, height, locale, title in (
            (1366, 900, "zh-CN", "分销伙伴控制台"),
            (390, 844, "en-US", "Partner console"),
        ):
            other = await _page(browser, host, w.partner_token, width, height, locale)
            assert await other.text_content("h1") == title
            await _earnings_equal_the_ledger(app, other, w.shop.partner_id, w.order["id"])
            await other.locator("#customer-list li.customer").wait_for()
            await _fits(other, width)
