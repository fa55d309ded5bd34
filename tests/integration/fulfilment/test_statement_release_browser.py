"""The partner's statement on /partner lists each accrual with its release condition, on a 390 px
phone in Chinese and at a desk in English: one order waiting for its completion, one released on
the brand's hold days."""

from __future__ import annotations

import pytest

from tests.browser import chromium
from tests.database import empty_tables
from tests.factories import auth, make_token
from tests.factories_fulfilment import partner_bought
from tests.factories_liveroom import serving
from tests.factories_orders import pay, place

pytestmark = pytest.mark.browser


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    """Pages do not depend on the database flavour: SQLite only (as the accessibility test)."""
    empty_tables(sqlite_url)
    return sqlite_url


async def _statement(browser, host, token, width, locale):
    context = await browser.new_context(viewport={"width": width, "height": 844}, locale=locale)
    await context.add_cookies([{"name": "zx_token", "value": token, "url": f"http://{host}"}])
    page = await context.new_page()
    await page.goto(f"http://{host}/partner")
    await page.locator("#balances .balance-available").wait_for()
    await page.click("#statement-form button[type=submit]")
    await page.locator("#statement table.accrual-lines").wait_for()
    return page


async def _release_cell(page, order_id: str) -> tuple[str | None, str]:
    row = page.locator(f'#statement table.accrual-lines tr[data-order="{order_id}"]')
    return await row.get_attribute("data-release-on"), (await row.locator("td.release").text_content() or "")


async def test_the_statement_shows_how_each_accrual_is_released(app, client, localstripe):
    # given one order paid under `release_on: completion`, and one paid after the brand moved to days
    first, partner_id = await partner_bought(app, client, localstripe, release_on="completion", hold_period_days=3)
    admin = await make_token(app, "admin")
    switched = await client.patch(
        f"/api/v1/brands/{first.shop.brand_id}",
        json={"settings": {"release_on": "days", "hold_period_days": 3}},
        headers=auth(admin),
    )
    assert switched.status_code == 200, switched.text
    second = await place(client, first.shop, first.buyer, 1)
    await pay(app, client, localstripe, second, first.buyer)
    token = await make_token(app, "partner", partner_id=partner_id)
    async with serving(app) as host, chromium() as browser:
        # when the partner opens its statement on a phone, in Chinese
        phone = await _statement(browser, host, token, 390, "zh-CN")
        # then the completion order waits for completion, the other releases on a date after its hold
        assert await _release_cell(phone, first.order["id"]) == ("completion", "订单完成后")
        release_on, text = await _release_cell(phone, second["id"])
        assert release_on == "days" and "品牌保护期满" in text
        assert await phone.evaluate("document.documentElement.scrollWidth") <= 390
        # and at a desk, in English, the same in English words
        desk = await _statement(browser, host, token, 1366, "en-US")
        assert await _release_cell(desk, first.order["id"]) == ("completion", "when the order completes")
        release_on, text = await _release_cell(desk, second["id"])
        assert release_on == "days" and text.startswith("on ") and "hold days" in text
