"""Pre-live reminders in Chromium against the real server: a viewer who came through a partner's
link subscribes on the scheduled session's page and is told to check their messages; the brand's
webhook gets a signed confirmation link; the viewer confirms on the page; the brand goes live; the
webhook gets the signed reminder; the partner's and the brand's consoles count the subscriber."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3

import httpx
import pytest

from server.demo.seed import demo_token, seed_demo
from server.kernel.db import make_engine, make_sessionmaker
from server.migrate import upgrade
from tests.browser import chromium
from tests.factories_reminders import webhook_receiver
from tests.live_server import run_server
from tests.waiting import eventually

SECRET = "test-secret-key-0123456789abcdef"
pytestmark = pytest.mark.browser


async def seed(url: str) -> None:
    """Migrate and seed the demo in this process (two CLI start-ups saved: the suite stays fast)."""
    await asyncio.to_thread(upgrade, url)
    engine = make_engine(url, 0)
    async with make_sessionmaker(engine)() as session:
        await seed_demo(session, SECRET)
    await engine.dispose()


def notification_states(db_path) -> list[tuple[str, int]]:
    with contextlib.closing(sqlite3.connect(db_path)) as db:
        return list(db.execute("SELECT state, attempts FROM reminder_notifications"))


async def test_subscribe_through_a_partner_link_then_the_webhook_hears_it_go_live(tmp_path):
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'reminders.db'}",
        "SECRET_KEY": SECRET,
        "LOG_LEVEL": "WARNING",
        "REMINDER_DELIVERY_INTERVAL_S": "0.3",
    }
    brand_token = demo_token(SECRET, "brand", "brand")
    partner_token = demo_token(SECRET, "partner: Campus Deals", "partner")
    await seed(env["DATABASE_URL"])
    with run_server(env, tmp_dir=tmp_path) as server, webhook_receiver() as receiver:
        async with httpx.AsyncClient(base_url=server.base_url) as api:
            brand_id = (await api.get("/api/v1/me", headers={"Authorization": f"Bearer {brand_token}"})).json()[
                "brand_id"
            ]
            partner_id = (await api.get("/api/v1/me", headers={"Authorization": f"Bearer {partner_token}"})).json()[
                "partner_id"
            ]
            links = (
                await api.get(
                    f"/api/v1/partners/{partner_id}/links", headers={"Authorization": f"Bearer {partner_token}"}
                )
            ).json()["items"]
            link = next(item for item in links if item["session_id"])
            code, session_id = link["code"], link["session_id"]
            hook = await api.put(
                f"/api/v1/brands/{brand_id}/notifier",
                json={"url": receiver.url},
                headers={"Authorization": f"Bearer {brand_token}"},
            )
            receiver.secret = hook.json()["secret"]
            async with chromium() as browser:
                # given a viewer on the scheduled session's page through the partner's link
                page = await (await browser.new_context(locale="zh-CN")).new_page()
                await page.goto(f"{server.base_url}/live/{session_id}?ref={code}")
                card = page.locator("#reminders")
                await card.wait_for(state="visible", timeout=10_000)
                # when they ask to be reminded by email (on a 390 px phone)
                await page.set_viewport_size({"width": 390, "height": 844})
                await page.click("#remind-btn")  # on a phone the reminder card is in the bag's sheet
                await page.select_option("#reminder-channel", "email")
                await page.fill("#reminder-address", "fan@example.com")
                await page.click("#reminder-submit")
                # then they are told to confirm, in the phone's Chinese only, nothing off-screen
                pending = page.locator("#reminder-pending")
                await pending.filter(has_text="请查收消息").wait_for(timeout=10_000)
                assert "Check your messages" not in await pending.inner_text()
                assert "邮件" in await pending.inner_text()  # the channel by name, in Chinese
                assert await page.evaluate("document.documentElement.scrollWidth") <= 390
                # and the brand's system is asked to send them a confirmation link, not a reminder
                await eventually(lambda: len(receiver.calls) >= 1, what="the go-live webhook call")
                [ask] = receiver.calls
                assert ask["signed"] and ask["body"]["kind"] == "confirmation"
                link = httpx.URL(ask["body"]["confirm_url"])
                # when the viewer opens the link and presses Confirm
                await page.goto(f"{server.base_url}{link.raw_path.decode()}")
                await page.click("#reminder-confirm-button")
                await page.locator("#reminder-done").filter(has_text="开播时提醒你").wait_for(timeout=10_000)
                assert "confirm=" not in page.url
                # and the brand goes live
                live = await api.post(
                    f"/api/v1/sessions/{session_id}/state",
                    json={"state": "live"},
                    headers={"Authorization": f"Bearer {brand_token}"},
                )
                assert live.status_code == 200, live.text
                # then the brand's system receives one signed reminder for this viewer, through the partner
                await eventually(lambda: len(receiver.calls) >= 2, what="the second webhook call")
                call = receiver.calls[1]
                assert call["signed"] and call["body"]["kind"] == "reminder"
                assert call["signed"] and call["body"]["address"] == "fan@example.com"
                assert call["body"]["live_url"].endswith(f"/live/{session_id}?ref={code}")
                await card.wait_for(state="hidden", timeout=10_000)  # the card goes once live
                # and the partner's console counts one subscriber through its links
                context = await browser.new_context()
                await context.add_cookies([{"name": "zx_token", "value": partner_token, "url": server.base_url}])
                console = await context.new_page()
                await console.goto(f"{server.base_url}/partner")
                count = console.locator(
                    f'#partner-reminder-rows tr[data-session="{session_id}"] [data-field="subscribed"]'
                )
                await count.filter(has_text="1").wait_for(timeout=10_000)
                # and the brand's console shows the subscriber, by partner, and the reminder sent
                context = await browser.new_context()
                await context.add_cookies([{"name": "zx_token", "value": brand_token, "url": server.base_url}])
                brand = await context.new_page()
                await brand.goto(f"{server.base_url}/console?session={session_id}")
                panel = brand.locator("#console-reminders")
                await panel.locator('[data-field="sent"]').filter(has_text="1").wait_for(timeout=10_000)
                assert await panel.locator('[data-field="subscribed"]').inner_text() == "1"
                assert await panel.locator('[data-field="confirmed"]').inner_text() == "1"
                assert await panel.locator('[data-field="pending_confirmation"]').inner_text() == "0"
                assert "Campus Deals" in await brand.locator("#reminder-partners").inner_text()
                assert receiver.url in await brand.locator("#notifier-current").inner_text()
            # and never a second time: it is recorded as sent after one attempt, and the worker only
            # picks up pending rows (or a dead worker's expired claim)
            await eventually(lambda: notification_states(tmp_path / "reminders.db") == [("sent", 1)], what="one sent")
        assert len(receiver.calls) == 2  # the confirmation, then the reminder
