"""The dead-letter page in Chromium at phone width against a real server: the admin sees the
dead letter with its handler and last error, taps Replay, and the consumer is due again (the
server's own dispatcher picks it up); a reload shows no dead letter left."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
import sqlalchemy as sa

from server.app import create_app
from server.kernel.clock import utcnow
from server.kernel.outbox import OutboxEvent, OutboxFailure
from tests.app_settings import make_settings
from tests.browser import chromium
from tests.factories import auth, make_token
from tests.live_server import run_server
from tests.waiting import eventually

pytestmark = pytest.mark.browser
HANDLER = "commission.accrual.on_order_paid"


async def seed_dead_letter(database_url: str) -> tuple[str, str]:
    """An admin token and an event whose consumer gave up, written straight into the server's database."""
    app = create_app(make_settings(database_url))
    admin = await make_token(app, "admin")
    now = utcnow()
    async with app.state.sessionmaker() as session:
        session.add(OutboxEvent(id="evt_dead_1", topic="Thing", aggregate_id="agg_1", created_at=now, delivered_at=now))
        session.add(
            OutboxFailure(
                event_id="evt_dead_1",
                handler=HANDLER,
                attempts=10,
                last_error="RuntimeError('ledger account locked by a long-running migration, please retry later')",
                failed_at=now,
                next_attempt_at=now + timedelta(hours=1),
                dead_at=now,
            )
        )
        await session.commit()
    await app.state.engine.dispose()
    return admin, "evt_dead_1"


def delivered_at(db_path, event_id: str) -> str | None:
    engine = sa.create_engine(f"sqlite:///{db_path}")
    with engine.connect() as conn:
        found = conn.execute(
            sa.text("SELECT delivered_at FROM outbox_events WHERE id = :id"), {"id": event_id}
        ).scalar()
    engine.dispose()
    return found


async def until_delivered(db_path, event_id: str) -> None:
    """The replay put the event back in the queue; the server's dispatcher (200 ms ticks) takes it."""
    await eventually(lambda: delivered_at(db_path, event_id), what="the replayed event delivered by the server")


async def test_admin_lists_dead_letters_and_replays_one_at_phone_width(tmp_path):
    db_path = tmp_path / "outbox.db"
    env = {"DATABASE_URL": f"sqlite:///{db_path}", "LOG_LEVEL": "WARNING"}
    with run_server(env, tmp_dir=tmp_path) as server:
        admin, event_id = await seed_dead_letter(env["DATABASE_URL"])
        async with chromium() as browser, httpx.AsyncClient(base_url=server.base_url) as api:
            context = await browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
            await context.add_cookies([{"name": "zx_token", "value": admin, "url": server.base_url}])
            page = await context.new_page()
            await page.goto(f"{server.base_url}/admin/outbox")
            # the dead letter is listed, in the browser's English, and nothing is wider than the phone
            card = page.locator(f".dead-letter[data-event='{event_id}']")
            assert HANDLER in await card.inner_text() and "ledger account locked" in await card.inner_text()
            assert await page.inner_text("h1") == "Dead letters" and "死信" not in await card.inner_text()
            assert await page.inner_text("#dead-count") == "1"
            assert await page.evaluate("document.documentElement.scrollWidth") <= 390
            # the language switch brings the page back in Chinese (and the words its script adds)
            await page.click("[data-lang-switch=zh]")
            await page.wait_for_function("document.querySelector('h1').textContent === '死信'")
            card = page.locator(f".dead-letter[data-event='{event_id}']")
            assert (
                "消费者" in await card.inner_text() and await page.evaluate("document.documentElement.lang") == "zh-CN"
            )
            await page.click("[data-lang-switch=en]")
            await page.wait_for_function("document.querySelector('h1').textContent === 'Dead letters'")
            # when the admin taps Replay
            await card.locator("button.replay").click()
            await card.locator("button.replay", has_text="Replayed").wait_for(timeout=5000)
            assert await card.locator("button.replay").is_disabled()
            assert "Replayed 1" in await page.inner_text("#outbox-notice")
            # then it is no longer dead, and the page says so after a reload
            await until_delivered(db_path, event_id)
            listed = (await api.get("/api/v1/admin/outbox/dead-letters", headers=auth(admin))).json()
            assert listed == {"items": [], "next_cursor": None, "total": 0}
            await page.reload()
            await page.wait_for_selector("#no-dead-letters")
            assert await page.inner_text("#dead-count") == "0"
