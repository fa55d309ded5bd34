"""The lottery in Chromium against a real server process: the brand opens a keyword draw, the
viewer's page shows the card, the viewer comments the keyword and enters, the brand closes, and
the page says "You won!" with the winners (and the console panel shows them too)."""

from __future__ import annotations

import httpx
import pytest

from server.app import create_app
from tests.app_settings import make_settings
from tests.browser import chromium
from tests.factories import add_to_lineup, auth, go_live, make_brand, make_session, make_sku, make_token
from tests.live_server import run_server

pytestmark = pytest.mark.browser


async def live_brand_session(base_url: str, database_url: str) -> tuple[str, str]:
    """Tokens written straight into the server's database (faster than two CLI processes)."""
    tokens = create_app(make_settings(database_url))
    admin = await make_token(tokens, "admin")
    async with httpx.AsyncClient(base_url=base_url) as client:
        brand = await make_brand(client, admin)
        token = await make_token(tokens, "brand", brand_id=brand["id"])
        sku = await make_sku(client, token, brand["id"])
        session = await make_session(client, token, brand["id"])
        await add_to_lineup(client, token, session["id"], sku["id"])
        await go_live(client, token, session["id"])
    await tokens.state.engine.dispose()
    return token, session["id"]


async def test_viewer_comments_the_keyword_enters_and_sees_they_won(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'lottery.db'}", "LOG_LEVEL": "WARNING"}
    with run_server(env, tmp_dir=tmp_path) as server:
        token, session_id = await live_brand_session(server.base_url, env["DATABASE_URL"])
        async with chromium() as browser, httpx.AsyncClient(base_url=server.base_url) as api:
            page = await (await browser.new_context(viewport={"width": 390, "height": 844})).new_page()
            await page.goto(f"{server.base_url}/live/{session_id}")
            await page.wait_for_selector("#live[data-connected='1']")
            # given the brand opens a keyword draw: the card appears with how to enter
            opened = await api.post(
                f"/api/v1/sessions/{session_id}/lotteries",
                headers=auth(token),
                json={"prize": "Signed cap", "winners": 1, "entry_rule": {"kind": "comment_keyword", "keyword": "GO"}},
            )
            assert opened.status_code == 201, opened.text
            await page.wait_for_selector("#lottery-card:not([hidden])[data-state='open']", timeout=10_000)
            assert "Comment GO" in await page.inner_text("#lottery-how")
            # when the viewer taps Enter too early, the page tells them why
            await page.click("#lottery-enter")
            await page.locator("#notice", has_text="comment 'GO'").wait_for(timeout=5000)
            # then comments the keyword and enters
            await page.fill("#comment-input", "GO GO GO")
            await page.press("#comment-input", "Enter")
            await page.locator("#comments li", has_text="GO GO GO").wait_for(timeout=5000)
            await page.click("#lottery-enter")
            await page.wait_for_selector("#lottery-in:not([hidden])", timeout=5000)
            # when the brand closes the draw
            closed = await api.post(
                f"/api/v1/sessions/{session_id}/lotteries/{opened.json()['id']}/close", headers=auth(token)
            )
            assert closed.status_code == 200 and len(closed.json()["winners"]) == 1
            # then the page announces the winner, and that it is this viewer
            await page.wait_for_selector("#lottery-you-won:not([hidden])", timeout=10_000)
            handle = closed.json()["winners"][0]["handle"]
            assert handle in await page.inner_text("#lottery-winners")
            assert (
                await page.get_attribute("#lottery-verify", "href") == f"/api/v1/lotteries/{opened.json()['id']}/proof"
            )
            # and the brand console's panel shows the drawn result
            console_context = await browser.new_context()
            await console_context.add_cookies([{"name": "zx_token", "value": token, "url": server.base_url}])
            console = await console_context.new_page()
            await console.goto(f"{server.base_url}/console?session={session_id}")
            await console.locator("#lc-winners li", has_text=handle).wait_for(timeout=10_000)
            assert await console.text_content("#lc-state") == "closed"
