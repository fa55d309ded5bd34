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


async def test_the_live_page_loads_stripe_js_only_with_a_publishable_key(app, client):
    # without a publishable key (a loopback test server): no third-party script, no payment CSP
    shop = await make_shop(app, client)
    plain = await client.get(f"/live/{shop.session_id}")
    assert "js.stripe.com" not in plain.text and "content-security-policy" not in plain.headers
    assert "/static/payment_element.js" in plain.text
    # with one: Stripe.js for the group-buy card's Payment Element, under the checkout pages' CSP
    app.state.settings.stripe_publishable_key = "pk_test_render"
    try:
        keyed = await client.get(f"/live/{shop.session_id}")
    finally:
        app.state.settings.stripe_publishable_key = None
    assert '<script src="https://js.stripe.com/v3"></script>' in keyed.text
    assert 'data-publishable-key="pk_test_render"' in keyed.text
    assert keyed.headers["content-security-policy"].startswith("script-src 'self' https://js.stripe.com;")
