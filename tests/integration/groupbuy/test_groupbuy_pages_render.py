"""The viewer page and the brand console include the group-buy partials and their scripts."""

from __future__ import annotations

import pytest

from tests.factories_checkout import make_shop


@pytest.fixture
def settings(pg_only_settings):
    return pg_only_settings


async def test_live_page_and_console_include_group_buy(app, client):
    shop = await make_shop(app, client)
    live = await client.get(f"/live/{shop.session_id}?group=AbCdEfGh1234")
    assert live.status_code == 200
    assert 'id="groupbuy"' in live.text and "/static/groupbuy.js" in live.text
    console = await client.get(f"/console?session={shop.session_id}", headers={"Cookie": f"zx_token={shop.token}"})
    assert console.status_code == 200
    assert 'id="gb-console"' in console.text and "/static/groupbuy_console.js" in console.text
    for asset in ("/static/groupbuy.js", "/static/groupbuy_console.js", "/static/groupbuy.css"):
        assert (await client.get(asset)).status_code == 200, asset
