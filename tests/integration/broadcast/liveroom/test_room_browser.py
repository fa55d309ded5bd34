"""Two viewers in headless Chromium: a like and a comment in one appear in the other; the brand
pins a SKU from the console page and both viewer pages show it."""

from __future__ import annotations

import pytest

from server.app import create_app
from tests.app_settings import make_settings
from tests.browser import chromium
from tests.database import empty_tables
from tests.factories_liveroom import live_session, serving

pytestmark = pytest.mark.browser


async def open_viewer(browser, url):
    page = await (await browser.new_context(viewport={"width": 390, "height": 844})).new_page()
    await page.goto(url)
    await page.wait_for_selector("#live[data-connected='1']")
    await page.wait_for_selector("#lineup li >> nth=1", state="attached")  # in the bag's sheet, closed
    return page


async def test_two_viewers_and_the_console_in_chromium(sqlite_url):
    # given a live session served with the outbox dispatcher running (as in production)
    empty_tables(sqlite_url)
    app = create_app(make_settings(sqlite_url, outbox_poll_interval_ms=100))
    async with serving(app) as host, chromium() as browser:
        live = await live_session(app, f"http://{host}")
        room_url = f"http://{host}/live/{live.session_id}"
        one, two = await open_viewer(browser, room_url), await open_viewer(browser, room_url + "?ref=LINK1")

        # when viewer one taps like three times, viewer two's counter follows
        for _ in range(3):
            await one.click("#like-btn")
        await two.wait_for_function("Number(document.querySelector('#like-count').textContent) >= 3")

        # when viewer one comments (with markup), viewer two sees the text, escaped
        await one.fill("#comment-input", "hello <b>there</b>")
        await one.press("#comment-input", "Enter")
        comment = two.locator("#comments li", has_text="hello <b>there</b>")
        await comment.wait_for()
        assert await two.locator("#comments li b:has-text('there')").count() == 0

        # when the brand pins the second SKU from the console page
        console_context = await browser.new_context()
        await console_context.add_cookies([{"name": "zx_token", "value": live.brand_token, "url": f"http://{host}"}])
        console = await console_context.new_page()
        await console.goto(f"http://{host}/console?session={live.session_id}")
        await console.wait_for_selector("#console[data-connected='1']")
        await console.click(f"tr[data-sku='{live.sku_ids[1]}'] .pin-btn")

        # then both viewer pages show it pinned
        for page in (one, two):
            await page.wait_for_selector(f"#pinned:not([hidden])[data-sku='{live.sku_ids[1]}']", timeout=5000)
        await console.wait_for_selector(f"tr.is-pinned[data-sku='{live.sku_ids[1]}']")
