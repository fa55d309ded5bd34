"""The catalogue page in Chromium against the served app: a brand creates a SKU (a duplicate code's
reason shows beside the field), adjusts stock by a delta while a sale lands (both count), archives
and finds it by status; on a 390 px phone in Chinese nothing is off-screen."""

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
    await page.goto(f"http://{host}/console/catalogue")
    return page


async def _create(page, code: str, title: str, price: str, stock: str) -> None:
    await page.click("#new-sku")
    for name, value in (("code", code), ("title", title), ("price", price), ("stock", stock)):
        await page.fill(f"#sku-form [name={name}]", value)
    await page.click("#sku-save")


async def test_brand_runs_its_catalogue_from_the_browser(app, client):
    brand = await make_brand(client, await make_token(app, "admin"))
    token = await make_token(app, "brand", brand_id=brand["id"])
    await make_sku(client, token, brand["id"], code="CUP-1", title="Tea cup", stock=4)
    async with serving(app) as host, chromium() as browser:
        page = await _page(browser, host, token, 1366, 900, "en-US")
        # a new SKU: priced in yuan as typed, stored in fen
        await _create(page, "TEA-1", "Oolong tea", "12.50", "5")
        card = page.locator(".sku", has_text="Oolong tea")
        await card.wait_for()
        assert "12.50" in await card.locator(".price").text_content()
        skus = (
            await client.get(f"/api/v1/brands/{brand['id']}/skus", params={"q": "TEA-1"}, headers=auth(token))
        ).json()
        [tea] = skus["items"]
        assert (tea["price_minor"], tea["stock"]) == (1250, 5)
        # a duplicate code: the server's reason beside the field, the dialog stays open
        await _create(page, "TEA-1", "Again", "1", "1")
        await page.locator('.field-error[data-for="code"]', has_text="already exists").wait_for()
        await page.click("#sku-cancel")
        # stock +10 typed while a sale took 2 units: both count (5 - 2 + 10)
        await client.patch(f"/api/v1/skus/{tea['id']}", json={"stock_delta": -2}, headers=auth(token))
        await card.locator(".delta").fill("10")
        await card.locator(".apply").click()
        await card.locator(".stock", has_text="13 in stock").wait_for()
        # taking more than there is: refused with the reason, nothing changed
        await card.locator(".delta").fill("-99")
        await card.locator(".apply").click()
        await page.locator("#notice", has_text="less than none").wait_for()
        # archived, then found by status
        await card.locator(".toggle").click()
        await page.locator(".sku.archived", has_text="Oolong tea").wait_for()
        await page.select_option("#status", "archived")
        await page.wait_for_function("document.querySelectorAll('.sku').length === 1")
        assert await page.locator(".sku .name b").all_text_contents() == ["Oolong tea"]
        # on a phone, in Chinese: the same list, nothing off-screen
        phone = await _page(browser, host, token, 390, 844, "zh-CN")
        await phone.locator(".sku", has_text="Tea cup").wait_for()
        assert await phone.text_content("h1 [data-i18n=catalogue]") == "商品库"
        assert "库存 4" in await phone.locator(".sku", has_text="Tea cup").locator(".stock").text_content()
        assert await phone.evaluate("document.documentElement.scrollWidth") <= 390


async def test_another_role_is_refused_the_catalogue(app, client):
    finance = await make_token(app, "finance")
    answer = await client.get("/console/catalogue", cookies={"zx_token": finance})
    assert answer.status_code == 403
    client.cookies.clear()
    anonymous = await client.get("/console/catalogue", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/signin")
