"""`/static/console_forms.js` in Chromium: rates typed in percent become basis points without a
float (and what is not a rate goes to the API as typed, for its own reason), and a problem's field
errors land beside the field they name however deep the API's name for it is."""

from __future__ import annotations

from pathlib import Path

from tests.browser import chromium

STATIC = Path(__file__).resolve().parents[3] / "server/web/static"
PAGE = """<!doctype html><html><head><meta charset="utf-8">
<script src="/static/zx.js"></script><script src="/static/console_forms.js"></script></head><body>
<form id="a"><small class="field-error" data-for="hold_period_days"></small><small class="field-error" data-for="blocked_words"></small>
<p class="field-error" data-for="_form"></p></form>
<form id="b"><small class="field-error" data-for="amount_minor"></small><p class="field-error" data-for="_form"></p></form>
</body></html>"""


async def _route(route) -> None:
    name = route.request.url.rsplit("/", 1)[-1]
    if name.endswith(".js"):
        await route.fulfill(body=(STATIC / name).read_text(), content_type="text/javascript")
    else:
        await route.fulfill(body=PAGE, content_type="text/html")


async def test_percent_to_bps_and_field_errors():
    async with chromium() as browser:
        page = await (await browser.new_context(locale="en-US")).new_page()
        await page.route("http://zx.test/**", _route)
        await page.goto("http://zx.test/console")
        typed = ["12", "12.5", " 0.01 %", "12.345", "7.0001", "100", "-5", "abc", ""]
        assert await page.evaluate(f"{typed}.map(zxForm.percentToBps)") == [
            "1200", "1250", "1", "1234.5", "700.01", "10000", "-500", "abc", "",
        ]  # fmt: skip
        assert await page.evaluate("['12', '12.345', 'x'].map(zxForm.bpsValue)") == [1200, "1234.5", "x"]
        assert await page.evaluate("[1250, 1000, '1500.25'].map(zxForm.bpsToPercentText)") == ["12.5", "10", "15.0025"]
        # a problem's errors: the most specific part of the name that has a slot; the rest on the form's line
        problem = {
            "errors": [
                {"field": "settings.hold_period_days", "message": "must be ≥ 0"},
                {"field": "settings.blocked_words.3", "message": "too long"},
                {"field": "lines.0.amount_minor", "message": "must be ≥ 0"},
                {"field": "settings.nonsense", "message": "unknown"},
            ]
        }
        await page.evaluate(
            "p => zxForm.showErrors(document.getElementById('a'), {message: 'bad', problem: p}, document.getElementById('b'))",
            problem,
        )
        texts = await page.evaluate(
            "[...document.querySelectorAll('.field-error')].map(e => e.dataset.for + '=' + e.textContent)"
        )
        assert texts == [
            "hold_period_days=must be ≥ 0",
            "blocked_words=too long",
            "_form=unknown",
            "amount_minor=must be ≥ 0",
            "_form=",
        ]
        # no field errors: the problem's detail on the form's line
        await page.evaluate("zxForm.clearErrors(document.getElementById('b'))")
        await page.evaluate(
            "zxForm.showErrors(document.getElementById('b'), {message: 'brand not found', problem: {}})"
        )
        assert await page.text_content('#b [data-for="_form"]') == "brand not found"
