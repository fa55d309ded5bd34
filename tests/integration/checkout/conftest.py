"""Checkout fixtures: localstripe for the session, an app wired to it, events fetched from it."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from litestar import Litestar

from broadcast.checkout.gateway import StripeGateway
from server.kernel import clock
from server.kernel.outbox import OutboxEvent
from server.settings import Settings
from tests.conftest import make_settings
from tests.stripe_server import API_KEY, WEBHOOK_SECRET, StripeTestServer, run_localstripe


@pytest.fixture(scope="session")
def localstripe(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StripeTestServer]:
    with run_localstripe(tmp_path_factory.mktemp("localstripe")) as server:
        yield server


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


@pytest.fixture
def settings(db_url: str, localstripe: StripeTestServer) -> Settings:
    return stripe_settings(db_url, localstripe)


@pytest.fixture(autouse=True)
def _real_time() -> Iterator[None]:
    yield
    clock.reset()


def stripe_events(stripe: StripeTestServer, intent_id: str) -> list[dict[str, Any]]:
    """The events localstripe recorded for one PaymentIntent (its own shapes), oldest first."""
    response = httpx.get(
        f"{stripe.base_url}/v1/events", params={"limit": 100}, headers={"Authorization": f"Bearer {API_KEY}"}
    )
    response.raise_for_status()
    events = [e for e in response.json()["data"] if e["data"]["object"].get("id") == intent_id]
    return sorted(events, key=lambda e: e["created"])


async def outbox(app: Litestar, topic: str) -> list[dict[str, Any]]:
    from sqlmodel import select

    async with app.state.sessionmaker() as session:
        rows = (
            await session.exec(select(OutboxEvent).where(OutboxEvent.topic == topic).order_by(OutboxEvent.id))
        ).all()
    return [row.payload for row in rows]


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
