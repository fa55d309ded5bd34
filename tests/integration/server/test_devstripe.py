"""`zhixiang serve --stripe-test-servers` (what `make run` uses): localstripe and the Connect test
server start on loopback, and the settings it hands the app reach both."""

from __future__ import annotations

import httpx
import pytest

from server.devstripe.launch import start_dev_stripe
from tests.stripe_connect_server import fixtures_path


def test_dev_stripe_starts_both_test_servers_and_stops_them():
    if fixtures_path() is None:
        pytest.skip("Stripe fixtures3.json not found: the Connect test server needs it")
    # given the dev Stripe started for an app on some loopback address
    dev = start_dev_stripe("http://127.0.0.1:9")
    try:
        env = dev.env
        auth = {"Authorization": f"Bearer {env['STRIPE_API_KEY']}"}
        # then payments (localstripe) answer, with test payments on and a webhook secret set
        assert httpx.get(f"{env['STRIPE_API_BASE']}/v1/customers", headers=auth).status_code == 200
        assert env["STRIPE_TEST_PAYMENTS"] == "1" and env["STRIPE_WEBHOOK_SECRET"].startswith("whsec_")
        # and Connect accounts can be created on the Connect test server
        account = httpx.post(f"{env['STRIPE_CONNECT_API_BASE']}/v1/accounts", headers=auth, data={"type": "express"})
        assert account.status_code == 200 and account.json()["id"].startswith("acct_")
    finally:
        dev.stop()
    # and after stop nothing answers any more
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"{env['STRIPE_CONNECT_API_BASE']}/v1/accounts/x", headers=auth, timeout=2)
