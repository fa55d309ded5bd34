"""The room as a phone (390×844, touch) and a desktop (1366×900) show it, in Chinese and English,
through a whole show without a reload: scheduled (countdown, reminder button, line-up preview) →
live (stream, pinned card, coupon and lucky-draw pop-ups, comments, input, like and bag on the first
screen; the bag sheet adds to cart) → ended (every control disabled with the reason, the draw drawn
and the coupon closed by the server). At each step: no horizontal overflow, nothing below the
first screen, no interactive element overlapping another (bounding boxes)."""

from __future__ import annotations

import contextlib
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from server.app import create_app
from tests.app_settings import make_settings
from tests.browser import chromium
from tests.database import empty_tables
from tests.factories import auth, go_live
from tests.factories_coupons import dropped_coupon
from tests.factories_liveroom import live_session, serving
from tests.factories_lottery import open_lottery

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}
VIEWS = [("phone", PHONE), ("desktop", DESKTOP)]
LANGS = ("zh", "en")
LIVE_BADGE = {"zh": "● 直播中", "en": "● LIVE"}

# Every visible control's box, clipped by its scrolling ancestors; pairs whose boxes intersect.
OVERLAPS_JS = """
() => {
  const sel = "button, input, select, textarea, a[href]";
  const shown = (el) => {
    const s = getComputedStyle(el);
    return s.display !== "none" && s.visibility !== "hidden" && el.getClientRects().length;
  };
  const clip = (el) => {
    let r = el.getBoundingClientRect(), box = { l: r.left, t: r.top, r: r.right, b: r.bottom };
    for (let p = el.parentElement; p; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (s.overflowX === "visible" && s.overflowY === "visible") continue;
      const q = p.getBoundingClientRect();
      box = { l: Math.max(box.l, q.left), t: Math.max(box.t, q.top),
              r: Math.min(box.r, q.right), b: Math.min(box.b, q.bottom) };
    }
    return box.r - box.l > 1 && box.b - box.t > 1 ? box : null;
  };
  const sheetOpen = document.getElementById("live").classList.contains("sheet-open");
  const els = [...document.querySelectorAll("#live " + sel.split(", ").join(", #live "))]
    .filter((el) => shown(el) && (sheetOpen ? el.closest("#sheet") : true));
  const boxes = els.map((el) => [el, clip(el)]).filter(([, b]) => b);
  const name = (el) => el.id || el.className || el.tagName;
  const out = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const [a, p] = boxes[i], [b, q] = boxes[j];
    if (a.contains(b) || b.contains(a)) continue;
    const w = Math.min(p.r, q.r) - Math.max(p.l, q.l), h = Math.min(p.b, q.b) - Math.max(p.t, q.t);
    if (w > 1 && h > 1) out.push(name(a) + " × " + name(b));
  }
  return out;
}
"""

# The box of each selector that is shown, or null; plus the document's scroll size.
BOXES_JS = """
(selectors) => ({
  boxes: Object.fromEntries(selectors.map((s) => {
    const el = document.querySelector(s);
    if (!el || !el.getClientRects().length || getComputedStyle(el).visibility === "hidden") return [s, null];
    const r = el.getBoundingClientRect();
    return [s, { left: r.left, top: r.top, right: r.right, bottom: r.bottom }];
  })),
  width: innerWidth, height: innerHeight,
  scrollWidth: document.documentElement.scrollWidth, scrollHeight: document.documentElement.scrollHeight,
})
"""


async def assert_layout(page: Any, must_show: list[str]) -> None:
    """No sideways or downward scrolling; each of `must_show` on the first screen; no overlaps."""
    seen = await page.evaluate(BOXES_JS, must_show)
    label = f"{page.url} at {seen['width']}×{seen['height']}"
    assert seen["scrollWidth"] <= seen["width"], f"horizontal overflow on {label}"
    assert seen["scrollHeight"] <= seen["height"], f"content below the first screen on {label}"
    for selector, box in seen["boxes"].items():
        assert box is not None, f"{selector} not shown on {label}"
        inside = box["left"] >= -1 and box["top"] >= -1 and box["right"] <= seen["width"] + 1
        assert inside and box["bottom"] <= seen["height"] + 1, f"{selector} outside the first screen on {label}: {box}"
    assert await page.evaluate(OVERLAPS_JS) == [], f"controls overlap on {label}"


async def open_room(browser: Any, url: str, view: dict[str, Any], lang: str) -> Any:
    context = await browser.new_context(**view)
    page = await context.new_page()
    await page.goto(f"{url}?lang={lang}")
    await page.wait_for_selector("#live[data-connected='1']")
    await page.evaluate("window.__sameDocument = true")  # gone if the page ever reloads
    return page


async def same_document(page: Any) -> None:
    assert await page.evaluate("window.__sameDocument === true"), "the page reloaded"


async def api_ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code < 300, response.text
    return response.json()  # type: ignore[no-any-return]


@contextlib.asynccontextmanager
async def served_show(sqlite_url: str, *, skus: int = 3) -> Any:
    empty_tables(sqlite_url)
    app = create_app(make_settings(sqlite_url, outbox_poll_interval_ms=100))
    async with serving(app) as host:
        live = await live_session(app, f"http://{host}", live=False, skus=skus)
        yield live


async def phone_bag_adds_to_cart(page: Any, lang: str) -> None:
    """Phone: the bag opens the sheet; desktop: the sheet stands beside the stream. Add → cart."""
    if await page.locator("#bag-btn").is_visible():
        await page.click("#bag-btn")
        await page.wait_for_selector("#live.sheet-open #sheet #lineup li")
    first = page.locator("#lineup li").first
    assert await first.locator(".item-tag").count() == 1, "the pinned SKU is listed first"
    await first.locator("button.cart-btn").click()
    added = {"zh": "已加入购物车", "en": "Added to cart"}[lang]
    await page.locator("#notice", has_text=added).wait_for(timeout=5000)
    await page.wait_for_selector("#checkout-link:not([hidden])")
    await assert_layout(page, ["#lineup li .cart-btn"])
    if await page.locator("#sheet-close").is_visible():
        await page.click("#sheet-close")
        await page.wait_for_selector("#live:not(.sheet-open)")


async def test_a_whole_show_at_phone_and_desktop_size_in_both_languages(sqlite_url):
    async with (
        served_show(sqlite_url) as live,
        chromium() as browser,
        httpx.AsyncClient(base_url=live.http, headers=auth(live.brand_token)) as api,
    ):
        room_url = f"{live.http}/live/{live.session_id}"
        pages = {(v, lang): await open_room(browser, room_url, view, lang) for v, view in VIEWS for lang in LANGS}

        # given the show is scheduled: countdown, reminder button, line-up preview; chat not yet
        for (v, lang), page in pages.items():
            await page.wait_for_selector("#live[data-state='scheduled'] #countdown:not([hidden])")
            assert await page.locator("#preview li").count() == 3
            assert await page.locator("#remind-btn").is_visible()
            assert await page.locator("#like-btn").is_disabled() and await page.locator("#comment-input").is_disabled()
            await assert_layout(page, ["#video-fallback", "#countdown", "#remind-btn", "#comment-input", "#like-btn"])

        # when the brand goes live, pins a SKU, drops a coupon and opens a lucky draw
        await go_live(api, live.brand_token, live.session_id)
        for (v, lang), page in pages.items():
            await page.wait_for_selector("#live[data-state='live']", timeout=10_000)
            assert (await page.inner_text("#state-badge")).strip() == LIVE_BADGE[lang]
            await same_document(page)
        await api_ok(await api.put(f"/api/v1/sessions/{live.session_id}/pin", json={"sku_id": live.sku_ids[1]}))
        shop = SimpleNamespace(token=live.brand_token, brand_id=live.brand_id, session_id=live.session_id)
        coupon = await dropped_coupon(api, shop)
        draw = await open_lottery(api, live.brand_token, live.session_id)
        await pages[("phone", "en")].fill("#comment-input", "first!")
        await pages[("phone", "en")].press("#comment-input", "Enter")

        # then every page shows them over the stream, all on the first screen, nothing overlapping
        first_screen = ["#video-fallback", "#comments li", "#comment-input", "#like-btn", "#pinned", "#pinned-cart"]
        for (v, lang), page in pages.items():
            await page.wait_for_selector(f"#pinned:not([hidden])[data-sku='{live.sku_ids[1]}']", timeout=10_000)
            await page.wait_for_selector(
                f".coupon-card[data-coupon='{coupon['id']}'][data-state='open']", timeout=10_000
            )
            await page.wait_for_selector("#lottery-card[data-state='open']", timeout=10_000)
            await page.locator("#comments li", has_text="first!").wait_for(timeout=10_000)
            await assert_layout(page, first_screen + (["#bag-btn"] if v == "phone" else ["#sheet #lineup"]))
            await phone_bag_adds_to_cart(page, lang)

        # when the brand ends the show
        ended = await api.post(f"/api/v1/sessions/{live.session_id}/state", json={"state": "ended"})
        await api_ok(ended)

        # then each page says so without a reload, every control disabled with the reason, and
        # the server has drawn the draw and closed the coupon drop
        reason = {"zh": "直播已结束", "en": "The show has ended"}
        for (v, lang), page in pages.items():
            await page.wait_for_selector("#live[data-state='ended'] #state-summary:not([hidden])", timeout=10_000)
            await same_document(page)
            await page.wait_for_selector("#lottery-card[data-state='closed']", timeout=10_000)
            await page.wait_for_selector(
                f".coupon-card[data-coupon='{coupon['id']}'][data-state='ended']", timeout=10_000
            )
            assert await page.locator("#pinned").is_hidden()
            for control in ("#like-btn", "#comment-input", "#lineup li button.cart-btn >> nth=0", ".coupon-claim"):
                assert await page.locator(control).is_disabled(), control
            assert reason[lang] in (await page.locator("#lineup li button.cart-btn").first.get_attribute("title") or "")
            assert reason[lang] in await page.locator("#closed-reason").text_content()
            await assert_layout(page, ["#state-summary", "#comment-input", "#like-btn"])
        drawn = (await api.get(f"/api/v1/sessions/{live.session_id}/lotteries")).json()["lottery"]
        assert drawn["id"] == draw["id"] and drawn["state"] == "closed"


async def test_a_cancelled_show_says_so_and_sells_nothing(sqlite_url):
    async with served_show(sqlite_url, skus=1) as live, chromium() as browser:
        page = await open_room(browser, f"{live.http}/live/{live.session_id}", PHONE, "en")
        async with httpx.AsyncClient(base_url=live.http, headers=auth(live.brand_token)) as api:
            await api_ok(await api.post(f"/api/v1/sessions/{live.session_id}/state", json={"state": "cancelled"}))
        await page.wait_for_selector("#live[data-state='cancelled']", timeout=10_000)
        await same_document(page)
        assert "cancelled" in await page.inner_text("#state-title")
        await page.click("#bag-btn")
        await page.wait_for_selector("#closed-reason:not([hidden])")
        assert await page.locator("#lineup li button.cart-btn").first.is_disabled()


# Lets the test drop the page's socket and hold new ones back (they fail at once) until allowed.
SOCKET_CONTROL = """
(() => {
  const Real = window.WebSocket;
  window.__sockets = []; window.__blocked = false;
  window.WebSocket = function (url, protocols) {
    const socket = new Real(window.__blocked ? "ws://127.0.0.1:9/" : url, protocols);
    window.__sockets.push({ socket, url });
    return socket;
  };
  Object.assign(window.WebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3, prototype: Real.prototype });
})();
"""


async def test_reconnects_resume_quietly_and_say_so_only_after_two_seconds(sqlite_url):
    async with served_show(sqlite_url, skus=1) as live, chromium() as browser:
        async with httpx.AsyncClient(base_url=live.http) as client:
            await go_live(client, live.brand_token, live.session_id)
        context = await browser.new_context(**PHONE)
        await context.add_init_script(SOCKET_CONTROL)
        page = await context.new_page()
        await page.goto(f"{live.http}/live/{live.session_id}")
        await page.wait_for_selector("#live[data-connected='1']")

        # when the socket drops and comes straight back, it resumes with last_seq, never saying so
        await page.evaluate("window.__sockets[0].socket.close()")
        await page.wait_for_function("window.__sockets.length >= 2", timeout=5000)
        await page.wait_for_selector("#live[data-connected='1']", timeout=5000)
        assert "last_seq=" in await page.evaluate("window.__sockets[1].url")
        assert await page.locator("#conn").is_hidden()

        # when it stays away, "reconnecting" shows — not before 2 s — and goes when it is back
        await page.evaluate("window.__blocked = true; window.__sockets.at(-1).socket.close()")
        dropped = await page.evaluate("performance.now()")
        await page.wait_for_selector("#conn:not([hidden])", timeout=10_000)
        assert await page.evaluate("performance.now()") - dropped >= 1900
        await page.evaluate("window.__blocked = false")
        await page.wait_for_selector("#live[data-connected='1'] #conn[hidden]", state="attached", timeout=15_000)


async def test_viewer_page_with_lang_switch_keeps_the_room(sqlite_url):
    async with served_show(sqlite_url, skus=1) as live, chromium() as browser:
        page = await open_room(browser, f"{live.http}/live/{live.session_id}", PHONE, "en")
        await page.click("[data-lang-switch='zh']")
        await page.wait_for_function("document.documentElement.lang === 'zh-CN'")
        assert "预告" in await page.inner_text("#state-badge")
        assert await page.get_attribute("#comment-input", "placeholder") == "说点什么…"
        await same_document(page)
