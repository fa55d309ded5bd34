"""One money format on every page: `zx.money` in Chromium (Intl) and the server's Babel formatter
show CNY, JPY (no decimals), KWD (three) and USD alike, in Chinese and in English."""

from __future__ import annotations

from pathlib import Path

from server.web.locale import format_money
from tests.browser import chromium
from tests.money_formats import MONEY_CASES

SCRIPT = Path(__file__).resolve().parents[3] / "server/web/static/zx.js"
PAGE = '<!doctype html><html lang="en"><head><script src="/static/zx.js"></script></head><body></body></html>'


def plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


async def _route(route) -> None:
    if route.request.url.endswith("/static/zx.js"):
        await route.fulfill(body=SCRIPT.read_text(), content_type="text/javascript")
    else:
        await route.fulfill(body=PAGE, content_type="text/html")


async def test_browser_and_server_show_money_alike_in_both_languages():
    async with chromium() as browser:
        page = await (await browser.new_context(locale="en-US")).new_page()
        await page.route("http://zx.test/**", _route)
        await page.goto("http://zx.test/money")
        for minor, currency, lang, expected in MONEY_CASES:
            await page.evaluate("lang => zx.setLang(lang)", lang)
            shown = plain(await page.evaluate("([m, c]) => zx.money(m, c)", [minor, currency]))
            assert shown == expected, (currency, lang, shown)
            assert plain(format_money(minor, currency, lang)) == shown, (currency, lang)
