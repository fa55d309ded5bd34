"""The open-disputes panel in Chromium against a real server, in Chinese on a phone (390×844) and in
English at a desk (1366×900): the brand console shows the brand's own dispute (deadline, amount,
order, frozen commission, Stripe's status and reason in words), the finance page every brand's and
the one no order matches (its problem in words); only the chosen language's text, and nothing is
wider than the screen."""

from __future__ import annotations

import re

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
DESK = {"width": 1366, "height": 900}
HAN = re.compile(r"[\u4e00-\u9fff]")
# the panel's English words, Stripe's raw codes and the server's log sentence: none on the Chinese page
ENGLISH = (
    *("Open disputes", "Evidence due", "Frozen commission", "Needs response", "Fraudulent", "days left", "Order"),
    *("needs_response", "fraudulent", "no order for charge"),
)


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
        # no order of ours: listed for finance with its problem
        await send(
            client,
            "charge.dispute.created",
            dispute_object("pi_never_ours_00000000000", 4200, dispute_id="dp_orphan_001"),
        )
        finance = await make_token(app, "finance")
    await app.state.engine.dispose()
    return {"brand": mine["brand_token"], "order": mine["order"]["order_id"], "finance": finance}


async def open_page(browser, base_url: str, token: str, path: str, locale: str, size):
    context = await browser.new_context(viewport=size, locale=locale)
    await context.add_cookies([{"name": "zx_token", "value": token, "url": base_url}])
    page = await context.new_page()
    await page.goto(f"{base_url}{path}")
    await page.wait_for_selector("#dispute-list .dispute")
    return page


async def nothing_off_screen(page, size) -> None:
    assert await page.evaluate("document.documentElement.scrollWidth") <= size["width"]
    for box in await page.locator("#disputes, #disputes .dispute").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().right)"
    ):
        assert box <= size["width"]


async def chinese_only(page) -> str:
    text = await page.inner_text("#disputes")
    assert await page.evaluate("document.documentElement.lang") == "zh-CN"
    assert not [word for word in ENGLISH if word in text], text
    return text


async def english_only(page) -> str:
    text = await page.inner_text("#disputes")
    assert await page.evaluate("document.documentElement.lang") == "en"
    assert not HAN.findall(text), text
    return text


async def test_console_in_chinese_on_a_phone_and_finance_in_english_at_a_desk(tmp_path):
    url = f"sqlite:///{tmp_path / 'disputes.db'}"
    seeded = await seed(url)
    with run_server({"DATABASE_URL": url, "LOG_LEVEL": "WARNING"}, tmp_dir=tmp_path) as server:
        async with chromium() as browser:
            # the brand console in Chinese at 390 px: its own dispute only, every label in Chinese
            console = await open_page(browser, server.base_url, seeded["brand"], "/console", "zh-CN", PHONE)
            cards = console.locator("#dispute-list .dispute")
            assert await cards.count() == 1
            text = await chinese_only(console)
            assert "¥123.45" in text and seeded["order"] in text and "¥12.34" in text  # zx.money
            assert "2030" in text and "举证截止" in text and "未结争议" in text
            assert "待回应" in text and "欺诈" in text  # Stripe's needs_response / fraudulent in words
            assert await console.inner_text("#disputes-count") == "1"
            await nothing_off_screen(console, PHONE)
            # the finance page in Chinese at 390 px too: every brand's, the orphan's problem in Chinese
            finance = await open_page(browser, server.base_url, seeded["finance"], "/finance", "zh-CN", PHONE)
            assert "没有订单对应这笔扣款" in await chinese_only(finance)
            await nothing_off_screen(finance, PHONE)
            # the same two pages in English at 1366 px: no Chinese left in the panel
            console = await open_page(browser, server.base_url, seeded["brand"], "/console", "en-US", DESK)
            text = await english_only(console)
            assert "Evidence due" in text and "Needs response" in text and "Fraudulent" in text
            assert "CN¥123.45" in text and "Open disputes" in text
            await nothing_off_screen(console, DESK)
            finance = await open_page(browser, server.base_url, seeded["finance"], "/finance", "en-US", DESK)
            ids = await finance.locator("#dispute-list .dispute").evaluate_all("els => els.map(e => e.dataset.dispute)")
            assert sorted(ids) == ["dp_mine_0001", "dp_orphan_001", "dp_theirs_001"]
            assert "No order matches this charge" in await english_only(finance)
            await nothing_off_screen(finance, DESK)
