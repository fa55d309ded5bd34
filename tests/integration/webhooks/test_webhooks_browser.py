"""The webhooks console in Chromium on a 390 px phone, in Chinese: the brand adds an endpoint (the
secret shows once), an order is paid and delivered, the log shows the receiver's answer, a replay
sends it again; an endpoint disabled for failing is announced at the top. Nothing is off-screen."""

from __future__ import annotations

import re

import pytest

from tests.browser import chromium
from tests.database import empty_tables
from tests.factories_liveroom import serving
from tests.factories_reminders import webhook_receiver
from tests.factories_webhooks import brand_desk, deliveries, order_paid, publish, send
from tests.waiting import eventually

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    empty_tables(sqlite_url)
    return sqlite_url


async def test_add_an_endpoint_read_the_log_and_replay_on_a_phone(app, client):
    desk = await brand_desk(app, client)
    with webhook_receiver(statuses=[200, 200, 500, 500]) as receiver:
        async with serving(app) as host, chromium() as browser:
            context = await browser.new_context(viewport=PHONE, locale="zh-CN")
            await context.add_cookies([{"name": "zx_token", "value": desk.token, "url": f"http://{host}"}])
            page = await context.new_page()
            await page.goto(f"http://{host}/console/webhooks")
            await page.locator("#no-endpoints").wait_for(state="visible")
            # when the brand adds its receiver for paid orders
            await page.fill("#endpoint-form input[name=url]", receiver.url)
            await page.check('input[value="order.paid"]')
            await page.click("#endpoint-save")
            shown = page.locator("#secret-once")
            await shown.wait_for(state="visible")
            assert "仅显示这一次" in (await shown.text_content() or "")
            receiver.secret = re.search(r"zxwhsec_\w+", await shown.text_content() or "").group(0)  # type: ignore[union-attr]
            # and an order is paid and sent
            paid = order_paid(desk.brand_id)
            await publish(app, (paid, paid.order_id))
            assert (await send(app)).sent == 1
            await page.reload()
            row = page.locator("#delivery-rows tr").first
            await row.wait_for()
            text = await row.text_content() or ""
            assert "order.paid" in text and paid.order_id in text and "已送达" in text and "200" in text
            # then a replay sends the same delivery again
            await row.get_by_role("button", name="重新发送").click()
            [endpoint] = (await client.get(desk.hooks, headers={"Authorization": f"Bearer {desk.token}"})).json()[
                "items"
            ]
            await eventually(lambda: _state(client, desk, endpoint["id"], "pending"), what="the replay queued")
            assert (await send(app)).sent == 1 and len(receiver.calls) == 2
            assert receiver.calls[0]["raw"] == receiver.calls[1]["raw"]
            # and an endpoint that keeps failing is disabled, and the page says so at the top
            again = order_paid(desk.brand_id)
            await publish(app, (again, again.order_id))
            await send(app, disable_after_failures=1)
            await page.reload()
            alert = page.locator("#disabled-notices .notice")
            await alert.wait_for()
            assert "已停用" in (await alert.text_content() or "") and "连续 1 次投递失败" in (
                await alert.text_content() or ""
            )
            assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


async def _state(client, desk, endpoint_id: str, state: str) -> bool:
    [latest, *_] = await deliveries(client, desk, endpoint_id)
    return bool(latest["state"] == state)
