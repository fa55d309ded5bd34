"""The settings page in Chromium against the served app: a brand changes its hold period, binding
and blocked words (the API has them, and what the page does not show is kept); a value the API
refuses shows the API's reason beside its field and changes nothing; the reminder webhook is set
(its secret shown once) after an address inside the network is refused. On a 390 px phone in
Chinese nothing is off-screen."""

from __future__ import annotations

import pytest

from tests.browser import chromium
from tests.factories import auth, make_brand, make_token
from tests.factories_liveroom import serving

pytestmark = pytest.mark.browser


async def _page(browser, host: str, token: str, width: int, height: int, locale: str):
    context = await browser.new_context(viewport={"width": width, "height": height}, locale=locale)
    await context.add_cookies([{"name": "zx_token", "value": token, "url": f"http://{host}"}])
    page = await context.new_page()
    await page.goto(f"http://{host}/console/settings")
    await page.locator("#default-rate", has_text="%").wait_for()  # the settings have arrived
    return page


async def _settings(client, token: str, brand_id: str) -> dict:
    return (await client.get(f"/api/v1/brands/{brand_id}", headers=auth(token))).json()["settings"]


async def test_brand_changes_its_settings_and_a_refused_value_shows_beside_its_field(app, client):
    brand = await make_brand(client, await make_token(app, "admin"), settings={"default_commission_bps": 1500})
    token = await make_token(app, "brand", brand_id=brand["id"])
    async with serving(app) as host, chromium() as browser:
        page = await _page(browser, host, token, 1366, 900, "en-US")
        form = page.locator("#settings-form")
        await page.locator("#default-rate", has_text="15%").wait_for()
        # change three settings and save
        await form.locator("[name=hold_period_days]").fill("3")
        await form.locator("[name=protection_period_days]").fill("60")
        await form.locator("[name=blocked_words]").fill("spam\n  fake  \n")
        await page.click("#settings-save")
        await page.locator("#notice", has_text="saved").wait_for()
        saved = await _settings(client, token, brand["id"])
        assert (saved["hold_period_days"], saved["protection_period_days"], saved["blocked_words"]) == (
            3,
            60,
            ["spam", "fake"],
        )
        assert (saved["default_commission_bps"], saved["unpaid_hold_share_bps"]) == (1500, 10_000)  # kept
        # a negative hold period: the API's reason beside the field, nothing written
        await form.locator("[name=hold_period_days]").fill("-1")
        await page.click("#settings-save")
        await page.locator(
            '#settings-form .field-error[data-for="hold_period_days"]', has_text="greater than"
        ).wait_for()
        assert (await _settings(client, token, brand["id"]))["hold_period_days"] == 3
        # the reminder webhook: an address inside the network is refused beside the URL, a public one saved
        hook = page.locator("#notifier-form")
        await hook.locator("[name=url]").fill("http://10.0.0.5/hook")
        await page.click("#notifier-save")
        await page.locator('#notifier-form .field-error[data-for="url"]', has_text="private").wait_for()
        await hook.locator("[name=url]").fill("https://hooks.example.com/zx")
        await page.click("#notifier-save")
        await page.locator("#notifier-secret", has_text="zxwhsec_").wait_for()
        notifier = (await client.get(f"/api/v1/brands/{brand['id']}/notifier", headers=auth(token))).json()
        assert (notifier["kind"], notifier["url"]) == ("webhook", "https://hooks.example.com/zx")
        # on a phone, in Chinese
        phone = await _page(browser, host, token, 390, 844, "zh-CN")
        assert await phone.input_value("#settings-form [name=hold_period_days]") == "3"
        assert await phone.text_content("#settings-form legend[data-i18n=money]") == "佣金"
        assert await phone.evaluate("document.documentElement.scrollWidth") <= 390
        # an invalid value on the phone is refused the same way
        await phone.locator("#settings-form [name=per_buyer_limit_per_sku]").fill("0")
        await phone.click("#settings-save")
        await phone.locator('.field-error[data-for="per_buyer_limit_per_sku"]', has_text="1").wait_for()
        assert (await _settings(client, token, brand["id"]))["per_buyer_limit_per_sku"] == 5
