"""A Stripe failure no service translated is a 502/503 problem, never a 500."""

from __future__ import annotations

import pytest
import stripe
from litestar import Litestar, get
from litestar.testing import AsyncTestClient

from server.errors import EXCEPTION_HANDLERS


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (stripe.APIConnectionError("connection refused"), 503),
        (stripe.APIError("upstream 500"), 502),
        (stripe.InvalidRequestError("No such destination", param="destination"), 502),
    ],
)
async def test_stripe_errors_become_provider_problems(error, status):
    @get("/boom")
    async def boom() -> None:
        raise error

    async with AsyncTestClient(app=Litestar([boom], exception_handlers=EXCEPTION_HANDLERS)) as client:
        response = await client.get("/boom")
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["type"].endswith("/payment-provider-error")
