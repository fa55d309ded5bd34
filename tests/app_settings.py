"""Settings for an app under test: no Redis, no Stripe, no rate limits, no background pollers unless a test asks
(`make_settings(url, redis_url=..., outbox_poll_interval_ms=50)`), or wired to localstripe."""

from __future__ import annotations

from typing import Any

from server.settings import LIMITED_ACTIONS, Settings, load_settings
from tests.stripe_server import API_KEY, WEBHOOK_SECRET, StripeTestServer

TEST_SECRET = "test-secret-key-0123456789abcdef"


def make_settings(database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": database_url,
        "redis_url": None,
        "secret_key": TEST_SECRET,
        "outbox_poll_interval_ms": 0,
        "stripe_api_key": None,
        "db_pool_size": 0,
        "payment_reconcile_interval_s": 0,  # tests call `server.payments.reconcile.sweep` themselves
        "stock_gate_reconcile_interval_s": 0,  # tests run the reconcile pass themselves
        "dashboard_sample_interval_s": 0,  # tests call `server.dashboard.sampler.sample` themselves
        "webhook_delivery_interval_s": 0,  # tests call `server.webhooks.sending.deliver_due` themselves
        "fulfilment_sweep_interval_s": 0,  # tests call `broadcast.fulfilment.sweeper.sweep` on the test clock
        # every in-process request comes from one address ("testclient"): tests of the cap set it
        "unpaid_holds_per_client": 0,
        "reminder_subscriptions_per_client_per_hour": 0,
        # The abuse limits are off: a flash-sale test is 2,000 checkouts from one test client. The
        # limits' own tests set the rates they exercise (tests/integration/server/test_rate_limits_http.py).
        **{f"rate_limit_{action}": "0/minute" for action in LIMITED_ACTIONS},
    }
    values.update(overrides)
    return load_settings(**values)


def stripe_settings(db_url: str, stripe: StripeTestServer, **overrides: Any) -> Settings:
    return make_settings(
        db_url,
        stripe_api_key=API_KEY,
        stripe_api_base=stripe.base_url,
        stripe_webhook_secret=WEBHOOK_SECRET,
        stripe_test_payments=True,
        order_sweep_interval_s=0,
        **overrides,
    )
