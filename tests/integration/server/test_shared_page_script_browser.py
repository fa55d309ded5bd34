"""`/static/zx.js`, the script every page shares, in Chromium: money by the currency's exponent
and the reader's language, problem+json errors with their reason and Retry-After, and a
language switch that translates the page and is remembered."""

from __future__ import annotations

import json
from pathlib import Path

from tests.browser import chromium

SCRIPT = Path(__file__).resolve().parents[3] / "server/web/static/zx.js"
PAGE = """<!doctype html><html><head><meta charset="utf-8"><script src="/static/zx.js"></script></head><body>
<h1 data-i18n="hello">hello</h1><input id="q" data-i18n-attr="placeholder:search">
<button data-lang-switch="zh">中文</button><button data-lang-switch="en">English</button>
<script>zx.strings({en: {hello: "Orders", search: "Search"}, zh: {hello: "订单", search: "搜索"}});</script>
</body></html>"""
PROBLEM = {"title": "Too many requests", "detail": "slow down: 3 checkouts a minute", "reason": "rate-limited"}


async def _route(route) -> None:
    url = route.request.url
    if url.endswith("/static/zx.js"):
        await route.fulfill(body=SCRIPT.read_text(), content_type="text/javascript")
    elif url.endswith("/api/limited"):
        headers = {"Retry-After": "17"}
        await route.fulfill(
            status=429, body=json.dumps(PROBLEM), content_type="application/problem+json", headers=headers
        )
    elif url.endswith("/api/ok"):
        await route.fulfill(body=json.dumps({"items": [1, 2]}), content_type="application/json")
    else:
        await route.fulfill(body=PAGE, content_type="text/html")


async def test_money_errors_and_language_switch():
    async with chromium() as browser:
        page = await (await browser.new_context(locale="en-US")).new_page()
        await page.route("http://zx.test/**", _route)
        await page.goto("http://zx.test/orders")
        # money: by the currency's exponent, in the page's language
        assert await page.evaluate("zx.money(123456, 'CNY')") == "CN¥1,234.56"
        assert await page.evaluate("zx.money(1234, 'JPY')") == "¥1,234"
        assert await page.evaluate("zx.money(null, 'CNY')") == "—"
        # what a person types → minor units by the exponent, and back; anything else is refused
        assert await page.evaluate(
            "[zx.toMinor('12.5', 'CNY'), zx.toMinor('1,299.90', 'CNY'), zx.toMinor('12', 'JPY')]"
        ) == [1250, 129990, 12]
        assert (
            await page.evaluate("[zx.toMinor('12.345', 'CNY'), zx.toMinor('-1', 'CNY'), zx.toMinor('1.5', 'JPY')]")
            == [None] * 3
        )
        assert await page.evaluate("[zx.fromMinor(1250, 'CNY'), zx.fromMinor(12, 'JPY')]") == ["12.50", "12"]
        # the API: JSON on success, a problem's detail, reason and Retry-After on failure
        assert await page.evaluate("zx.api('GET', '/api/ok')") == {"items": [1, 2]}
        failure = await page.evaluate(
            "zx.api('POST', '/api/limited', {n: 1}).catch(e => ({m: e.message, s: e.status, r: e.problem.reason, a: e.retryAfter}))"
        )
        assert failure == {"m": PROBLEM["detail"], "s": 429, "r": "rate-limited", "a": 17}
        # the language: English from the browser, Chinese once chosen, remembered on the next visit
        assert await page.text_content("h1") == "Orders"
        await page.click("[data-lang-switch=zh]")
        assert await page.text_content("h1") == "订单"
        assert await page.get_attribute("#q", "placeholder") == "搜索"
        assert await page.evaluate("document.documentElement.lang") == "zh-CN"
        assert await page.evaluate("zx.money(123456, 'CNY')") == "¥1,234.56"
        await page.reload()
        assert await page.text_content("h1") == "订单"
