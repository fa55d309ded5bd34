"""The replay as a phone (390×844, touch) and a desktop (1366×900) show it, in Chinese and English:
an ended show's open page becomes the replay without a reload when the brand attaches the
recording; its chapters jump to each SKU's explanation and the pinned card follows; the card's Buy
adds to the cart at the replay price; nothing overflows, nothing overlaps, all on the first screen."""

from __future__ import annotations

import contextlib
from typing import Any

import httpx
import pytest

from server.app import create_app
from tests.app_settings import make_settings
from tests.browser import chromium
from tests.database import empty_tables
from tests.factories import go_live
from tests.factories_liveroom import live_session, serving
from tests.factories_replays import PIN_GAP_S, attach_recording, end_show, pinned_in_turn
from tests.integration.broadcast.liveroom.test_room_layout_browser import LANGS, VIEWS, assert_layout, same_document

pytestmark = pytest.mark.browser
BADGE = {"zh": "▶ 回放", "en": "▶ Replay"}
ADDED = {"zh": "已加入购物车", "en": "Added to cart"}


@contextlib.asynccontextmanager
async def ended_show(sqlite_url: str) -> Any:
    empty_tables(sqlite_url)
    app = create_app(make_settings(sqlite_url, outbox_poll_interval_ms=100))
    async with serving(app) as host:
        live = await live_session(app, f"http://{host}", live=False, skus=2)
        async with httpx.AsyncClient(base_url=live.http) as api:
            await go_live(api, live.brand_token, live.session_id)
            await pinned_in_turn(api, live.brand_token, live.session_id, live.sku_ids)
            await end_show(api, live.brand_token, live.session_id)
        yield live


async def open_ended(browser: Any, url: str, view: dict[str, Any], lang: str) -> Any:
    page = await (await browser.new_context(**view)).new_page()
    await page.goto(f"{url}?lang={lang}")
    await page.wait_for_selector("#live[data-state='ended']")
    await page.evaluate("window.__sameDocument = true")
    return page


async def test_an_ended_show_becomes_a_replay_whose_chapters_move_the_pinned_card(sqlite_url):
    async with ended_show(sqlite_url) as live, chromium() as browser, httpx.AsyncClient(base_url=live.http) as api:
        url = f"{live.http}/live/{live.session_id}"
        pages = {(v, lang): await open_ended(browser, url, view, lang) for v, view in VIEWS for lang in LANGS}
        # when the brand attaches the recording
        await attach_recording(api, live.brand_token, live.session_id, live.http)
        first, second = live.sku_ids
        for (v, lang), page in pages.items():
            # then each open page becomes the replay, no reload, its chapters one per pinned SKU in show order
            await page.wait_for_selector("#live[data-state='replay'] #chapters:not([hidden])", timeout=20_000)
            await same_document(page)
            assert (await page.inner_text("#state-badge")).strip() == BADGE[lang]
            chapters = page.locator("#chapter-list button")
            assert [await b.get_attribute("data-sku") for b in await chapters.all()] == [first, second]
            offsets = [int(await b.get_attribute("data-offset") or -1) for b in await chapters.all()]
            assert offsets[1] - offsets[0] >= PIN_GAP_S * 1000
            # and seeking to a chapter shows that SKU's card, on the first screen, overlapping nothing
            for sku_id in (second, first):
                await page.click(f"#chapter-list button[data-sku='{sku_id}']")
                await page.wait_for_selector(f"#pinned:not([hidden])[data-sku='{sku_id}']", timeout=5000)
                assert await page.get_attribute(f"#chapter-list button[data-sku='{sku_id}']", "aria-current") == "true"
                await assert_layout(page, ["#chapters", "#pinned", "#pinned-cart", "#comment-input", "#like-btn"])
            # and on a phone the video (its seek bar at its foot) ends above the room bar, never under it
            if v == "phone":  # (the test's recording is no media, so the page keeps the video hidden: show it)
                await page.evaluate("document.getElementById('video').hidden = false")
                video, bar = await page.locator("#video").bounding_box(), await page.locator(".room-bar").bounding_box()
                assert video is not None and bar is not None and video["y"] + video["height"] <= bar["y"] + 1
            # and chat is closed with the replay's reason while the card's Buy sells
            assert await page.locator("#like-btn").is_disabled() and await page.locator("#comment-input").is_disabled()
            assert not await page.locator("#pinned-cart").is_disabled()
            await page.click("#pinned-cart")
            await page.locator("#notice", has_text=ADDED[lang]).wait_for(timeout=5000)
