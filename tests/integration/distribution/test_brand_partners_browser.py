"""The brand's partners page in Chromium against the served app: approve an applicant with a rate,
reject another (refused without a reason, beside the field; then with one), preview a partner ×
SKU rule on an example order before saving it and see the saved split follow; the API agrees at
every step. On a 390 px phone in Chinese the page is translated and nothing is off-screen."""

from __future__ import annotations

import pytest

from tests.browser import chromium
from tests.factories import auth, make_brand, make_session, make_sku, make_token
from tests.factories_distribution import make_partner
from tests.factories_liveroom import serving

pytestmark = pytest.mark.browser


async def _page(browser, host: str, token: str, width: int, height: int, locale: str):
    context = await browser.new_context(viewport={"width": width, "height": height}, locale=locale)
    await context.add_cookies([{"name": "zx_token", "value": token, "url": f"http://{host}"}])
    page = await context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    await page.goto(f"http://{host}/console/partners")
    return page


async def _apply(app, client, admin: str, brand_id: str, name: str) -> dict:
    partner = await make_partner(client, admin, name=name)
    token = await make_token(app, "partner", partner_id=partner["id"])
    response = await client.post(
        f"/api/v1/partners/{partner['id']}/partnerships", json={"brand_id": brand_id}, headers=auth(token)
    )
    assert response.status_code == 201, response.text
    return response.json()


async def _ships(client, token: str, brand_id: str) -> dict[str, dict]:
    listed = await client.get(f"/api/v1/brands/{brand_id}/partnerships", headers=auth(token))
    return {row["partner_name"]: row for row in listed.json()["items"]}


async def _decide(page, name: str, action: str, rate: str | None = None, reason: str | None = None) -> None:
    await page.locator(".ship", has_text=name).locator(f'button[data-action="{action}"]').click()
    if rate is not None:
        await page.fill("#decision-form [name=commission_bps]", rate)
    if reason is not None:
        await page.fill("#decision-form [name=reason]", reason)
    await page.click("#decision-confirm")


async def test_brand_decides_partners_and_previews_a_rule_before_saving(app, client):
    admin = await make_token(app, "admin")
    brand = await make_brand(client, admin)
    token = await make_token(app, "brand", brand_id=brand["id"])
    tea = await make_sku(client, token, brand["id"], code="TEA-1", title="Oolong tea", price_minor=10000)
    await make_session(client, token, brand["id"], title="Spring tea night")
    await _apply(app, client, admin, brand["id"], "Harbor Moms")
    await _apply(app, client, admin, brand["id"], "Campus Deals")
    async with serving(app) as host, chromium() as browser:
        page = await _page(browser, host, token, 1366, 900, "en-US")
        harbor = page.locator(".ship", has_text="Harbor Moms")
        await harbor.locator(".rate", has_text="brand default").wait_for()
        assert "10%" in await harbor.locator(".rate").text_content()
        # approve Harbor Moms at 12 %, after the confirmation
        await _decide(page, "Harbor Moms", "approve", rate="12")
        await (
            page.locator('.ship[data-state="approved"]', has_text="Harbor Moms")
            .locator(".rate", has_text="own rate")
            .wait_for()
        )
        ships = await _ships(client, token, brand["id"])
        assert (ships["Harbor Moms"]["state"], ships["Harbor Moms"]["commission_bps"]) == ("approved", 1200)
        # reject Campus Deals: without a reason the API's reason shows beside the field
        await _decide(page, "Campus Deals", "reject")
        await page.locator('#decision-form .field-error[data-for="reason"]', has_text="reason").wait_for()
        assert (await _ships(client, token, brand["id"]))["Campus Deals"]["state"] == "pending"
        await page.fill("#decision-form [name=reason]", "We sell only through tea shops")
        await page.click("#decision-confirm")
        await page.locator('.ship[data-state="rejected"]', has_text="tea shops").wait_for()
        campus = (await _ships(client, token, brand["id"]))["Campus Deals"]
        assert (campus["state"], campus["decision_reason"]) == ("rejected", "We sell only through tea shops")
        # a partner × SKU rule at 20 %: previewed on the example order before it is saved
        rule = page.locator("#rule-form")
        await rule.locator("[name=level]").select_option("partner_sku")
        await rule.locator("[name=sku_id]").select_option(tea["id"])
        await rule.locator("[name=partner_id]").select_option(ships["Harbor Moms"]["partner_id"])
        await rule.locator("[name=rate_bps]").fill("20")
        await page.click("#rule-preview")
        partner_row = page.locator('#preview-rows tr[data-party="partner"]')
        await partner_row.locator('td[data-col="after"]', has_text="¥20.00").wait_for()
        assert "¥12.00" in await partner_row.locator('td[data-col="now"]').text_content()
        rules = f"/api/v1/brands/{brand['id']}/commission-rules"
        assert (await client.get(rules, headers=auth(token))).json()["items"] == []  # a preview saves nothing
        # saved: the rule is listed, and the split as saved now pays 20 %
        await page.click("#rule-save")
        await page.locator("#rules li", has_text="Oolong tea").wait_for()
        [saved] = (await client.get(rules, headers=auth(token))).json()["items"]
        assert (saved["kind"], saved["rate_bps"]) == ("partner_sku", 2000)
        await partner_row.locator('td[data-col="now"]', has_text="¥20.00").wait_for()
        # on a phone, in Chinese: translated, and nothing wider than the screen
        phone = await _page(browser, host, token, 390, 844, "zh-CN")
        await phone.locator('.ship[data-state="approved"] .pill', has_text="已通过").wait_for()
        await phone.locator('#preview-rows tr[data-party="partner"]').wait_for()
        assert await phone.text_content("#policy-title") == "佣金政策"
        assert await phone.evaluate("document.documentElement.scrollWidth") <= 390
