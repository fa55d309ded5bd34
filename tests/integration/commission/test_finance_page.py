"""The finance page: signs in with the cookie and serves the desk its script fills; settling is
only through the API's preview and job (no one-click form post any more); other roles are refused."""

from __future__ import annotations

import pytest

from server.app import create_app
from tests.app_settings import make_settings
from tests.factories import make_token
from tests.factories_commission import make_partner


@pytest.fixture
def app(sqlite_url, connect_server):
    from tests.database import empty_tables

    empty_tables(sqlite_url)
    return create_app(
        make_settings(sqlite_url, stripe_api_key="sk_test_page", stripe_connect_api_base=connect_server.base_url)
    )


async def test_finance_page_serves_the_desk_and_settles_only_through_a_preview(client, app):
    finance = await make_token(app, "finance")
    signin = await client.post("/signin", data={"token": finance, "next": "/finance"}, follow_redirects=False)
    assert signin.status_code == 303
    page = await client.get("/finance")
    assert page.status_code == 200
    for part in ('id="preview-btn"', 'id="plan-confirm"', 'id="balances"', 'id="payouts"', 'id="disputes"'):
        assert part in page.text
    assert "/static/vendor/uplot/uPlot.iife.min.js" in page.text and "/static/finance_settle.js" in page.text
    assert (await client.post("/finance/settle")).status_code in (404, 405)  # no settling without a preview
    assert (await client.get("/static/vendor/uplot/uPlot.iife.min.js")).status_code == 200
    client.cookies.clear()
    partner_token = await make_token(app, "partner", partner_id=await make_partner(app))
    assert (await client.get("/finance", headers={"Authorization": f"Bearer {partner_token}"})).status_code == 403
