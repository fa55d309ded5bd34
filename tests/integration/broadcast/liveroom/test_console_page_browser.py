"""The live console (/console) in Chromium on a 390 px phone: in Chinese every label (the
promotion panels' too), the state, the buttons and the prices (zx.js's one money formatter) are Chinese, a viewer's comment arrives
with a Chinese remove button, pinning says 讲解中, and nothing is wider than the screen; switched
to English the same page reads in English."""

from __future__ import annotations

import re

import pytest

from tests.browser import chromium
from tests.factories_dashboard import PRICE_A, in_room, sale, says
from tests.factories_liveroom import serving
from tests.waiting import eventually

pytestmark = pytest.mark.browser
LABELS = "Array.from(document.querySelectorAll('[data-i18n]')).map(e => [e.dataset.i18n, e.textContent.trim()])"


async def _fits(page, width: int) -> None:
    assert await page.evaluate("document.documentElement.scrollWidth") <= width


async def test_the_console_on_a_phone_in_chinese_then_english(app, client):
    world = await sale(app, client)
    sid = world.session_id
    async with serving(app) as host, chromium() as browser:
        context = await browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
        await context.add_cookies([{"name": "zx_token", "value": world.shop.token, "url": f"http://{host}"}])
        page = await context.new_page()
        await page.goto(f"http://{host}/console?session={sid}&lang=zh")
        await page.wait_for_selector("#console[data-connected='1']")
        row = page.locator(f"#lineup-rows tr[data-sku='{world.shop.sku_id}']")
        await row.wait_for()

        # then the page is Chinese: lang, every labelled element, the state, the price by zx.money
        assert await page.get_attribute("html", "lang") == "zh-CN"
        labels = await page.evaluate(LABELS)
        english = [
            (key, text) for key, text in labels if re.search("[A-Za-z]{2,}", re.sub("PK|Webhook|Stripe|GMV", "", text))
        ]
        assert english == []
        keys = {key for key, _ in labels}  # the promotion panels' labels are in the tables too
        assert {"cp_title", "lt_title", "gb_title", "rm_title", "pk_console_title"} <= keys
        assert await page.text_content("#state") == "直播中"
        assert await page.text_content("#go-live") == "开播"
        assert await row.locator("td").nth(1).text_content() == "¥" + f"{PRICE_A / 100:,.2f}"

        # when a viewer comments, it arrives with a Chinese remove button
        async with in_room(host, sid) as viewer:
            await says(viewer, "好喝吗")
            comment = page.locator("#console-comments li", has_text="好喝吗")
            await comment.wait_for()
            assert await comment.locator("button.del").text_content() == "删除"
        # when the brand pins SKU A, its button says so in Chinese
        await row.locator(".pin-btn").click()
        pinned = page.locator(f"#lineup-rows tr.is-pinned[data-sku='{world.shop.sku_id}']")

        async def shown() -> bool:
            await app.state.dispatcher.drain()  # the pin reaches the room through the outbox
            return await pinned.count() == 1

        await eventually(shown, what="the pin on the console")
        assert await page.locator("tr.is-pinned .pin-btn").text_content() == "讲解中"
        await _fits(page, 390)

        # when switched to English, the same page reads in English (the state and buttons too)
        await page.locator("[data-lang-switch='en']").first.click()
        await page.wait_for_function("document.documentElement.lang === 'en'")
        assert await page.text_content("#state") == "live"
        assert await page.text_content("#go-live") == "Go live"
        assert await page.locator("tr.is-pinned .pin-btn").text_content() == "Pinned"
        assert await row.locator("td").nth(1).text_content() == "CN¥" + f"{PRICE_A / 100:,.2f}"
        await _fits(page, 390)
