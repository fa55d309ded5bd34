"""`/api/docs` with no internet: every request the page makes goes to the app (the Swagger UI
is a pinned copy vendored from npm), and the operations render."""

from __future__ import annotations

import pytest

from tests.browser import chromium
from tests.database import empty_tables
from tests.factories_liveroom import serving

pytestmark = pytest.mark.browser


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    empty_tables(sqlite_url)
    return sqlite_url


async def test_the_api_docs_render_offline(app):
    elsewhere: list[str] = []
    async with serving(app) as host, chromium() as browser:
        context = await browser.new_context(viewport={"width": 1366, "height": 900})

        async def offline(route) -> None:
            if route.request.url.startswith(f"http://{host}/") or route.request.url.startswith("data:"):
                await route.continue_()
            else:  # what a machine without internet (or behind a wall) would see
                elsewhere.append(route.request.url)
                await route.abort("internetdisconnected")

        await context.route("**/*", offline)
        page = await context.new_page()
        await page.goto(f"http://{host}/api/docs", wait_until="load")
        await page.wait_for_function("document.querySelectorAll('.swagger-ui .opblock').length > 20", timeout=20000)
        assert "Zhixiang API" in await page.text_content(".swagger-ui .info .title")
        assert elsewhere == []
