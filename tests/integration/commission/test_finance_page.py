"""The finance page: signs in with the cookie, shows reconciliation and balances, settles."""

from __future__ import annotations

from datetime import timedelta

import pytest

from server.app import create_app
from server.kernel.clock import utcnow
from tests.app_settings import make_settings
from tests.factories import make_token
from tests.factories_commission import emit_events, make_partner, order_paid_payload


@pytest.fixture
def app(sqlite_url, connect_server):
    from tests.database import empty_tables

    empty_tables(sqlite_url)
    return create_app(
        make_settings(sqlite_url, stripe_api_key="sk_test_page", stripe_connect_api_base=connect_server.base_url)
    )


async def test_finance_page_shows_both_reports_and_settles(client, app, connect_server):
    finance = await make_token(app, "finance")
    partner = await make_partner(app, stripe_account_id=connect_server.add_account(), minimum_payout_minor=1)
    await emit_events(
        app,
        (
            "OrderPaid",
            order_paid_payload("brd_page", [("sku", 10000)], partner_id=partner, paid_at=utcnow() - timedelta(days=8)),
        ),
    )
    signin = await client.post("/signin", data={"token": finance, "next": "/finance"}, follow_redirects=False)
    assert signin.status_code == 303
    page = await client.get("/finance")
    assert page.status_code == 200
    assert "Everything ties out" in page.text and partner in page.text
    settled = await client.post("/finance/settle", follow_redirects=True)
    assert settled.status_code == 200 and "1 payouts" in settled.text
    assert len(connect_server.state.transfers) == 1
    client.cookies.clear()
    partner_token = await make_token(app, "partner", partner_id=partner)
    assert (await client.get("/finance", headers={"Authorization": f"Bearer {partner_token}"})).status_code == 403
