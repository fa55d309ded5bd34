"""The schedule page in Chromium against the served app: a brand schedules a session, builds its
line-up from the catalogue with a live price and a session limit, goes live and ends it after
confirming, and the API agrees at every step; on a 390 px phone in Chinese nothing is off-screen."""

from __future__ import annotations

import pytest

from tests.browser import chromium
from tests.factories import auth, make_brand, make_sku, make_token
from tests.factories_liveroom import serving

pytestmark = pytest.mark.browser


async def _page(browser, host: str, token: str, width: int, height: int, locale: str):
    context = await browser.new_context(viewport={"width": width, "height": height}, locale=locale)
    await context.add_cookies([{"name": "zx_token", "value": token, "url": f"http://{host}"}])
    page = await context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    await page.goto(f"http://{host}/console/schedule")
    return page


async def test_brand_schedules_builds_the_lineup_and_runs_a_session(app, client):
    brand = await make_brand(client, await make_token(app, "admin"))
    token = await make_token(app, "brand", brand_id=brand["id"])
    tea = await make_sku(client, token, brand["id"], code="TEA-1", title="Oolong tea", price_minor=1500, stock=40)
    async with serving(app) as host, chromium() as browser:
        page = await _page(browser, host, token, 1366, 900, "en-US")
        # schedule a session
        await page.click("#new-session")
        await page.fill("#session-form [name=title]", "Spring tea night")
        await page.click("#session-save")
        await page.locator("#setup-title", has_text="Spring tea night").wait_for()
        [session] = (await client.get(f"/api/v1/brands/{brand['id']}/sessions", headers=auth(token))).json()["items"]
        assert session["state"] == "scheduled"
        # build the line-up: a live price and units for this session
        await page.select_option("#add-line [name=sku_id]", tea["id"])
        await page.fill("#add-line [name=live_price]", "9.90")
        await page.fill("#add-line [name=limited_quantity]", "12")
        await page.click("#add-line button[type=submit]")
        await page.locator("#lineup li", has_text="Oolong tea").wait_for()
        [line] = (await client.get(f"/api/v1/sessions/{session['id']}/lineup", headers=auth(token))).json()["items"]
        assert (line["live_price_minor"], line["limited_quantity"]) == (990, 12)
        # a bad price is refused beside the field
        await page.fill("#add-line [name=live_price]", "nine")
        await page.click("#add-line button[type=submit]")
        await page.locator('#add-line .field-error[data-for="live_price_minor"]', has_text="12.50").wait_for()
        # go live, then end (each after the confirmation, accepted)
        await page.click("#go-live")
        await page.locator("#setup-state", has_text="live").wait_for()
        await page.click("#end")
        await page.locator("#setup-state", has_text="ended").wait_for()
        got = (await client.get(f"/api/v1/sessions/{session['id']}", headers=auth(token))).json()
        assert got["state"] == "ended" and got["started_at"] and got["ended_at"]
        assert await page.is_disabled("#go-live") and await page.locator("#add-line").is_hidden()
        # on a phone, in Chinese
        phone = await _page(browser, host, token, 390, 844, "zh-CN")
        await phone.locator("#sessions a", has_text="Spring tea night").click()
        await phone.locator("#setup-state", has_text="已结束").wait_for()
        assert await phone.text_content("#setup h2[data-i18n=lineup]") == "直播商品"
        assert await phone.evaluate("document.documentElement.scrollWidth") <= 390
