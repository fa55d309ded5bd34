"""The partner's customers (私域) on /partner in Chromium, past the first page: with 230 bound
buyers the list shows 50, and "More" fetches the next page by cursor until there is none — every
buyer shown once, none of another partner's — on a phone in Chinese and a desk in English,
nothing wider than the screen."""

from __future__ import annotations

from datetime import timedelta

import pytest

from server.kernel.clock import utcnow
from tests.app_settings import make_settings
from tests.browser import chromium
from tests.factories import make_token
from tests.factories_customers import bind_buyers
from tests.factories_distribution import make_partner
from tests.factories_liveroom import serving

pytestmark = pytest.mark.browser
CASES = [
    ({"width": 390, "height": 844}, "zh-CN", "加载更多客户"),
    ({"width": 1366, "height": 900}, "en-US", "More customers"),
]


@pytest.fixture
def settings(sqlite_url):
    from tests.database import empty_tables

    empty_tables(sqlite_url)
    return make_settings(sqlite_url)


async def every_customer(page) -> list[str]:
    """Press "More" until it goes away; the tags the list then shows."""
    more = page.locator("#customers-more")
    pressed = 0
    while await more.is_visible():
        shown = await page.locator("#customer-list li.customer").count()
        await more.click()
        await page.wait_for_function(f"document.querySelectorAll('#customer-list li.customer').length > {shown}")
        pressed += 1
        assert pressed < 10, "More never stops"
    return await page.locator("#customer-list li.customer").evaluate_all("els => els.map(e => e.dataset.tag)")


async def test_more_pages_through_every_bound_customer(app, client):
    # given partner A with 230 bound buyers over two brands, and partner B with 20 of its own
    admin = await make_token(app, "admin")
    a, b = await make_partner(client, admin), await make_partner(client, admin)
    start = utcnow() - timedelta(days=3)
    mine = await bind_buyers(app, a["id"], 115, ["brd_a", "brd_b"], start)
    theirs = await bind_buyers(app, b["id"], 10, ["brd_a", "brd_b"], start)
    token = await make_token(app, "partner", partner_id=a["id"])
    async with serving(app) as host, chromium() as browser:
        for size, locale, more_words in CASES:
            context = await browser.new_context(viewport=size, locale=locale)
            await context.add_cookies([{"name": "zx_token", "value": token, "url": f"http://{host}"}])
            page = await context.new_page()
            await page.goto(f"http://{host}/partner")
            # when the page opens, the first page of 50 is there, with "More" in the reader's language
            await page.locator("#customer-list li.customer").nth(49).wait_for()
            assert await page.locator("#customer-list li.customer").count() == 50
            assert await page.inner_text("#customers-more") == more_words
            # then pressing More until it goes shows each of the 230 once, none of B's
            tags = await every_customer(page)
            assert len(tags) == 230 and set(tags) == mine and not set(tags) & theirs
            assert await page.evaluate("document.documentElement.scrollWidth") <= size["width"]
            await context.close()
