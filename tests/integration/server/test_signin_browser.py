"""Sign-in, sign-out and the error pages in Chromium against the served app, on a phone and a
desk: each role's token lands on its own page, with Sign out in the header; a wrong token says so;
a page opened signed out comes back after sign-in; 403, 404, 422 and 500 are pages in the
reader's language (the 500 with its request id). Pages do not depend on the database flavour, so
these run on SQLite only."""

from __future__ import annotations

import pytest

from tests import test_only_routes
from tests.browser import chromium
from tests.database import empty_tables
from tests.factories import make_brand, make_token
from tests.factories_distribution import make_partner
from tests.factories_liveroom import serving

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1366, "height": 900}


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    empty_tables(sqlite_url)
    return sqlite_url


async def _tokens(app, client) -> dict[str, str]:
    admin = await make_token(app, "admin")
    brand = await make_brand(client, admin)
    partner = await make_partner(client, admin)
    return {
        "brand": await make_token(app, "brand", brand_id=brand["id"]),
        "partner": await make_token(app, "partner", partner_id=partner["id"]),
        "finance": await make_token(app, "finance"),
        "admin": admin,
    }


async def _sign_in(page, token: str) -> None:
    await page.fill("#token", token)
    async with page.expect_navigation():
        await page.click("#signin-submit")


async def _fits(page, width: int) -> None:
    assert await page.evaluate("document.documentElement.scrollWidth") <= width


async def test_each_role_lands_on_its_page_and_signs_out(app, client):
    tokens = await _tokens(app, client)
    homes = {"brand": "/console", "partner": "/partner", "finance": "/finance", "admin": "/admin"}
    async with serving(app) as host, chromium() as browser:
        for role, home in homes.items():
            context = await browser.new_context(viewport=PHONE, locale="en-US")
            page = await context.new_page()
            await page.goto(f"http://{host}/signin")
            await _fits(page, PHONE["width"])
            await _sign_in(page, tokens[role])
            assert page.url == f"http://{host}{home}", role
            # sign out from the header of the role's page: the cookie is gone, the page asks again
            await page.locator("header a[href='/signout']").click()
            await page.wait_for_url(f"http://{host}/signin")
            assert not [c for c in await context.cookies() if c["name"] == "zx_token"], role
            await page.goto(f"http://{host}{home}")
            assert page.url.startswith(f"http://{host}/signin?next="), role
            await context.close()


async def test_a_wrong_token_is_refused_in_the_readers_language(app, client):
    async with serving(app) as host, chromium() as browser:
        page = await (await browser.new_context(viewport=PHONE, locale="zh-CN")).new_page()
        await page.goto(f"http://{host}/signin")
        assert await page.get_attribute("html", "lang") == "zh-CN"
        assert await page.text_content("h1") == "登录"
        await _sign_in(page, "zx_b_not-a-real-token")
        assert "此令牌无效" in await page.text_content("#signin-error")
        assert page.url == f"http://{host}/signin"
        assert not [c for c in await page.context.cookies() if c["name"] == "zx_token"]
        # the switch: English from now on, remembered by the server for the next page too
        async with page.expect_navigation():
            await page.click("[data-lang-switch=en]")
        assert await page.text_content("h1") == "Sign in"
        assert await page.get_attribute("html", "lang") == "en"
        await page.goto(f"http://{host}/no/such/page")
        assert await page.text_content("h1") == "Page not found"


async def test_a_page_opened_signed_out_comes_back_after_sign_in(app, client):
    tokens = await _tokens(app, client)
    async with serving(app) as host, chromium() as browser:
        page = await (await browser.new_context(viewport=DESK, locale="en-US")).new_page()
        await page.goto(f"http://{host}/admin/outbox")
        assert page.url == f"http://{host}/signin?next=/admin/outbox"
        await _sign_in(page, tokens["admin"])
        assert page.url == f"http://{host}/admin/outbox"
        assert "Dead letters" in await page.text_content("h1")


async def test_error_pages_for_people(app, client):
    test_only_routes.mount(app)
    tokens = await _tokens(app, client)
    async with serving(app) as host, chromium() as browser:
        for viewport, locale in ((DESK, "en-US"), (PHONE, "zh-CN")):
            context = await browser.new_context(viewport=viewport, locale=locale)
            page = await context.new_page()
            zh = locale == "zh-CN"
            missing = await page.goto(f"http://{host}/no/such/page")
            assert missing.status == 404 and await page.text_content("h1") == ("页面不存在" if zh else "Page not found")
            broken = await page.goto(f"http://{host}/test-only/boom")
            assert broken.status == 500
            assert await page.text_content("#request-id") == await broken.header_value("x-request-id")
            await context.add_cookies([{"name": "zx_token", "value": tokens["partner"], "url": f"http://{host}"}])
            refused = await page.goto(f"http://{host}/finance")
            assert refused.status == 403 and await page.text_content("h1") == ("无权访问" if zh else "Not allowed")
            await context.add_cookies([{"name": "zx_token", "value": tokens["finance"], "url": f"http://{host}"}])
            invalid = await page.goto(f"http://{host}/test-only/since?since=yesterday")
            assert invalid.status == 422 and "since" in await page.text_content("#error-fields")
            await _fits(page, viewport["width"])
            await context.close()
