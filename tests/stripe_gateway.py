"""A Stripe client on the test's own event loop, for code a test runs itself."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from litestar import Litestar

from broadcast.checkout.gateway import StripeGateway
from tests.stripe_server import API_KEY


@contextlib.asynccontextmanager
async def gateway_of_this_loop(app: Litestar, base_url: str) -> AsyncIterator[StripeGateway]:
    """A Stripe client made on the test's event loop, installed as the app's for code the test runs
    itself (the outbox drain, a sweep): the app's own client belongs to the server's loop, and an
    httpx pool used across loops fails mid-request — whose SDK retry would then repeat a write."""
    gateway = StripeGateway(API_KEY, base_url, test_payments=True)
    previous, app.state.payment_gateway = app.state.payment_gateway, gateway
    try:
        yield gateway
    finally:
        app.state.payment_gateway = previous
        await gateway.aclose()
