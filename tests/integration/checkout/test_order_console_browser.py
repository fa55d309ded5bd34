"""The brand's order console in Chromium against the served app: at desk width, in English, the
brand filters to the order its partner brought, opens it, reads why it earns (rule, partner, link,
click) and its split, refunds 30.00 after a confirmation that shows the commission it reverses,
and sees the refund and then the reversal. On a 390 px phone, in Chinese, the list is cards and
neither page is wider than the screen."""

from __future__ import annotations

import pytest

from tests.browser import chromium
from tests.factories import auth, make_token
from tests.factories_liveroom import serving
from tests.factories_orders import paid_direct, paid_through_link, partner_shop

pytestmark = pytest.mark.browser


async def _page(browser, host: str, token: str, width: int, height: int, locale: str, path: str):
    context = await browser.new_context(viewport={"width": width, "height": height}, locale=locale)
    await context.add_cookies([{"name": "zx_token", "value": token, "url": f"http://{host}"}])
    page = await context.new_page()
    await page.goto(f"http://{host}{path}")
    return page


async def _fits(page, width: int) -> None:
    assert await page.evaluate("document.documentElement.scrollWidth") <= width


async def test_brand_finds_an_order_and_refunds_part_of_it_from_the_browser(app, client, localstripe):
    # given two paid orders of 100.00: one through the partner's link (10 % commission), one not
    world = await partner_shop(app, client)
    linked = await paid_through_link(app, client, localstripe, world)
    await paid_direct(app, client, localstripe, world.shop)
    token = world.shop.token
    async with serving(app) as host, chromium() as browser:
        page = await _page(browser, host, token, 1366, 900, "en-US", "/console/orders")
        await page.wait_for_function("document.querySelectorAll('#order-rows tr').length === 2")
        await _fits(page, 1366)
        # when the brand filters by the partner, only the order it brought is left
        await page.locator(f'#f-partner option[value="{world.partner_id}"]').wait_for(state="attached")
        await page.select_option("#f-partner", world.partner_id)
        await page.select_option("#f-state", "paid")
        await page.click("#apply")
        await page.wait_for_function("document.querySelectorAll('#order-rows tr').length === 1")
        assert await page.locator("#order-rows tr").get_attribute("data-order") == linked["id"]
        # and its page says why it earns, and how the 100.00 is split
        await page.click(f"#order-rows a:text('{linked['id']}')")
        await page.locator("#attr-rule", has_text="last click").wait_for()
        assert world.partner_id in await page.text_content("#attr-partner")
        assert world.link_code in await page.text_content("#attr-link")
        assert await page.text_content("#attr-clicked") != "—"
        partner_row = page.locator("#split-rows tr").first  # the partner's share leads the split
        assert "Partner: " in await partner_row.text_content()
        assert "10.00" in await partner_row.locator("td").nth(1).text_content()
        assert "succeeded" in await page.text_content("#payment-state")
        assert linked["payment_intent_id"] in await page.text_content("#intent")
        await _fits(page, 1366)
        # when the brand asks to refund 30.00, the confirmation shows the 3.00 of commission it reverses
        await page.fill("#refund-amount", "30.00")
        await page.click("#refund-partial")
        await page.locator("#refund-dialog[open]").wait_for()
        reversal = page.locator("#preview-rows tr").first
        assert "3.00" in await reversal.text_content()
        assert "30.00" in await page.text_content("#preview-summary")
        await page.click("#refund-confirm")
        # then the refund's result shows, and once the ledger has posted it, the reversal
        await page.locator("#notice", has_text="Refunded").wait_for()
        await app.state.dispatcher.drain()
        await page.locator("#notice", has_text="Commission reversed").wait_for(timeout=20_000)
        await page.locator("#refund-list li.refund-succeeded").wait_for()
        await page.locator("#entries li.entry-commission_reversed").first.wait_for()
        assert "3.00" in await partner_row.locator("td").nth(2).text_content()
        split = (await client.get(f"/api/v1/orders/{linked['id']}/commission", headers=auth(token))).json()
        assert (split["refunded_minor"], split["partner_reversed_minor"]) == (3000, 300)
        # on a phone, in Chinese: the list is cards, the order page fits, every label translated
        phone = await _page(browser, host, token, 390, 844, "zh-CN", "/console/orders")
        await phone.wait_for_function("document.querySelectorAll('#order-rows tr').length === 2")
        assert await phone.text_content("h1 [data-i18n=orders]") == "订单"
        assert await phone.locator("#order-table thead").is_hidden()
        await _fits(phone, 390)
        await phone.goto(f"http://{host}/console/orders/{linked['id']}")
        await phone.locator("#attr-rule", has_text="最后一次点击").wait_for()
        assert await phone.text_content("[data-i18n=why]") == "归因说明"
        await _fits(phone, 390)


async def test_another_role_is_refused_the_order_console(app, client):
    finance = await make_token(app, "finance")
    for path in ("/console/orders", "/console/orders/ord_x"):
        assert (await client.get(path, cookies={"zx_token": finance})).status_code == 403
    client.cookies.clear()
    anonymous = await client.get("/console/orders", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/signin")
