"""The open-disputes list in Chromium at 390×844 against a real server: the brand console shows the
brand's own dispute (deadline, amount, order, frozen commission), the finance page every brand's,
both in English and Chinese, and nothing is wider than the phone."""

from __future__ import annotations

import pytest
from litestar.testing import AsyncTestClient

from server.app import create_app
from server.migrate import upgrade
from tests.app_settings import make_settings
from tests.browser import chromium
from tests.factories import make_token
from tests.factories_disputes import disputable_order, dispute_object, send
from tests.live_server import run_server
from tests.stripe_server import WEBHOOK_SECRET

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


async def seed(database_url: str) -> dict[str, object]:
    """Two brands with an open dispute each, one of them for 20 % of its order, through the webhook."""
    upgrade(database_url)
    app = create_app(make_settings(database_url, stripe_webhook_secret=WEBHOOK_SECRET))
    async with AsyncTestClient(app=app) as client:
        mine = await disputable_order(app, client, paid_days_ago=1, amount_minor=12345)
        theirs = await disputable_order(app, client, paid_days_ago=1)
        await send(
            client, "charge.dispute.created", dispute_object(mine["intent_id"], 12345, dispute_id="dp_mine_0001")
        )
        await send(
            client, "charge.dispute.created", dispute_object(theirs["intent_id"], 2000, dispute_id="dp_theirs_001")
        )
        finance = await make_token(app, "finance")
    await app.state.engine.dispose()
    return {"brand": mine["brand_token"], "order": mine["order"]["order_id"], "finance": finance}


async def open_page(browser, base_url: str, token: str, path: str):
    context = await browser.new_context(viewport=PHONE)
    await context.add_cookies([{"name": "zx_token", "value": token, "url": base_url}])
    page = await context.new_page()
    await page.goto(f"{base_url}{path}")
    await page.wait_for_selector("#dispute-list .dispute")
    return page


async def nothing_off_screen(page) -> None:
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for box in await page.locator("#disputes, #disputes .dispute").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().right)"
    ):
        assert box <= PHONE["width"]


async def test_console_and_finance_list_open_disputes_at_phone_width(tmp_path):
    url = f"sqlite:///{tmp_path / 'disputes.db'}"
    seeded = await seed(url)
    with run_server({"DATABASE_URL": url, "LOG_LEVEL": "WARNING"}, tmp_dir=tmp_path) as server:
        async with chromium() as browser:
            # the brand console: its own dispute only, with deadline, amount, order and frozen share
            console = await open_page(browser, server.base_url, seeded["brand"], "/console")
            cards = console.locator("#dispute-list .dispute")
            assert await cards.count() == 1
            text = await cards.first.inner_text()
            assert "¥123.45" in text and seeded["order"] in text and "¥12.34" in text  # zx.money: CN¥ (en) or ¥ (zh)
            # in the browser's language (English here) only, the deadline through zx.when
            assert "2030" in text and "Evidence due" in text and "举证截止" not in text
            assert await console.inner_text("#disputes-count") == "1"
            assert "Open disputes" in await console.inner_text("#disputes-title")
            await nothing_off_screen(console)
            # the finance page: both brands' disputes, and the page still fits the phone
            finance = await open_page(browser, server.base_url, seeded["finance"], "/finance")
            ids = await finance.locator("#dispute-list .dispute").evaluate_all("els => els.map(e => e.dataset.dispute)")
            assert sorted(ids) == ["dp_mine_0001", "dp_theirs_001"]
            await nothing_off_screen(finance)
