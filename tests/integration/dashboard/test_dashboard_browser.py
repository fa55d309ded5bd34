"""The live dashboard in Chromium against the served app. At desk width, in English, the brand
watches it move while a scripted crowd buys — GMV, conversion and the curves change, the pin
marks appear on the time axis, GMV per viewer, conversion and watch time compare the last 5
minutes with the 5 before — then refunds an order and sees GMV and the partner's ledger
commission drop, all pushed over the console socket. On a 390 px phone, in Chinese, the dashboard and the report fit the screen; the
report prints without the navigation and links its CSV."""

from __future__ import annotations

import pytest

from server.dashboard.sampler import sample
from server.kernel import clock
from tests.browser import chromium
from tests.factories_dashboard import PRICE_A, PRICE_B, buyer, buys, end, pin, refund, sale
from tests.factories_liveroom import serving

pytestmark = pytest.mark.browser


async def _page(browser, host: str, token: str, width: int, height: int, locale: str, path: str):
    context = await browser.new_context(viewport={"width": width, "height": height}, locale=locale)
    await context.add_cookies([{"name": "zx_token", "value": token, "url": f"http://{host}"}])
    page = await context.new_page()
    await page.goto(f"http://{host}{path}")
    return page


async def _fits(page, width: int) -> None:
    assert await page.evaluate("document.documentElement.scrollWidth") <= width


async def _raw(page, tile: str) -> str:
    return await page.get_attribute(f"#t-{tile}", "data-raw") or ""


async def test_the_brand_watches_the_dashboard_move_while_a_crowd_buys_then_refunds(app, client, localstripe):
    world = await sale(app, client)
    sid, token = world.session_id, world.shop.token
    async with serving(app) as host, chromium() as browser:
        page = await _page(browser, host, token, 1366, 900, "en-US", f"/console/sessions/{sid}/dashboard")
        await page.wait_for_selector("#dashboard[data-connected='1']")
        await page.wait_for_function("document.getElementById('dashboard').dataset.gmv === '0'")
        assert await page.locator("#chart-gmv canvas").count() == 1  # uPlot, served by the app
        assert await page.text_content("[data-i18n=f_gmv]") == "GMV (paid, net of refunds)"
        conversion_before = await _raw(page, "conversion")
        # when the host pins SKU A and a crowd buys (two through the partner's link)
        await pin(client, world, world.shop.sku_id)
        buyers = [await buyer(app, client, world, via_link=i % 2 == 0) for i in range(3)]
        orders = [await buys(app, client, localstripe, world, b, world.shop.sku_id, 1) for b in buyers[:2]]
        await buys(app, client, localstripe, world, buyers[2], world.sku_b, 1)
        clock.advance(60)  # a minute later: the curves have two points
        await sample(app)
        gmv = 2 * PRICE_A + PRICE_B
        # then the dashboard moves by itself (pushed over the console socket): GMV, conversion, curves, pins
        await page.wait_for_function(f"document.getElementById('dashboard').dataset.gmv === '{gmv}'", timeout=15_000)
        assert await _raw(page, "conversion") != conversion_before
        assert await _raw(page, "paid_orders") == "3"
        await page.wait_for_function("Number(document.getElementById('chart-gmv').dataset.points) >= 2")
        assert int(float(await page.get_attribute("#chart-orders", "data-total") or 0)) == 3
        await page.wait_for_function("Number(document.getElementById('chart-online').dataset.pins) >= 1")
        assert await page.locator("#chart-gmv .pin-mark").count() >= 1
        assert "Oolong tin" in await page.text_content("#sku-rows")
        partner_row = page.locator(f"#partner-rows tr[data-partner='{world.partner_id}']")
        commission = partner_row.locator("td").nth(4)
        # the ledger's accrual: 10 % of the two orders through the link
        await commission.filter(has_text="CN¥15.00").wait_for(timeout=15_000)
        # the per-viewer figures compare their windows like the others (▲ new: nothing in the 5 before)
        for key in ("uv_value", "conversion", "avg_watch"):
            assert "5 min:" in (await page.text_content(f"#t-{key} .delta") or ""), key
        await _fits(page, 1366)
        # when the brand refunds one order in full, GMV drops on the screen
        await refund(client, world, orders[0]["id"], PRICE_A)
        await app.state.dispatcher.drain()
        await page.wait_for_function(
            f"document.getElementById('dashboard').dataset.gmv === '{gmv - PRICE_A}'", timeout=15_000
        )
        assert await _raw(page, "paid_orders") == "2"
        # the partner's commission is reversed in the ledger with the refund
        await partner_row.locator("td:nth-child(5)", has_text="CN¥5.00").wait_for(timeout=15_000)

        # on a phone, in Chinese: the dashboard fits and is translated
        phone = await _page(browser, host, token, 390, 844, "zh-CN", f"/console/sessions/{sid}/dashboard?lang=zh")
        await phone.wait_for_function(f"document.getElementById('dashboard').dataset.gmv === '{gmv - PRICE_A}'")
        assert await phone.text_content("[data-i18n=f_uv_value]") == "UV 价值"
        await phone.wait_for_function("Number(document.getElementById('chart-online').dataset.pins) >= 1")
        await _fits(phone, 390)

        # after the show: the report, on the phone, fits; it prints without the navigation
        await end(client, world)
        await app.state.dispatcher.drain()
        await phone.goto(f"http://{host}/console/sessions/{sid}/report")
        await phone.wait_for_function(f"document.getElementById('dashboard').dataset.gmv === '{gmv - PRICE_A}'")
        assert await phone.text_content("[data-i18n=report]") == "场次复盘"
        assert await phone.get_attribute("#csv", "href") == f"/api/v1/sessions/{sid}/dashboard.csv"
        assert await phone.locator("#pin-list li").count() == 1
        await _fits(phone, 390)
        await phone.emulate_media(media="print")
        assert await phone.locator("header.topbar").is_hidden()
        assert await phone.locator("#print").is_hidden()
