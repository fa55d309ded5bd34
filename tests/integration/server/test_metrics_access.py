"""/metrics: one series per route template, however many URLs are requested; served only to the
metrics token or an allowed address."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from litestar import Litestar

from server.app import create_app
from tests.app_settings import make_settings
from tests.asgi_clients import from_address, running

TOKEN = "metrics-scraper-token"
SCRAPER = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
async def metrics_app(sqlite_url: str) -> AsyncIterator[Litestar]:
    settings = make_settings(sqlite_url, metrics_token=TOKEN, metrics_allow="192.0.2.0/24")
    async with running(create_app(settings)) as app:
        yield app


def request_series(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("zhixiang_requests_total{")]


async def test_label_sets_stay_bounded_after_requests_to_200_distinct_urls(metrics_app):
    async with from_address(metrics_app, "203.0.113.5") as anonymous:
        before = request_series((await anonymous.get("/metrics", headers=SCRAPER)).text)
        # when 200 distinct URLs are requested (each a different id on two public routes)
        for n in range(100):
            await anonymous.get(f"/api/v1/sessions/ses_card{n}/lotteries")
            await anonymous.get(f"/api/v1/groups/CARD{n:04d}")
        after = request_series((await anonymous.get("/metrics", headers=SCRAPER)).text)
    # then the series are labelled by template: at most a few new label sets, none with an id
    assert len(after) - len(before) <= 6, after
    assert not [line for line in after if re.search(r"ses_card|CARD\d", line)]
    assert any('path="/api/v1/sessions/{session_id}/lotteries"' in line for line in after)


async def test_metrics_refuse_an_anonymous_client_outside_the_allow_list(metrics_app):
    async with from_address(metrics_app, "203.0.113.5") as outsider:
        refused = await outsider.get("/metrics")
        wrong_token = await outsider.get("/metrics", headers={"Authorization": "Bearer guess"})
        with_token = await outsider.get("/metrics", headers=SCRAPER)
    assert refused.status_code == 403 and wrong_token.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "METRICS_TOKEN" in refused.json()["detail"] and "zhixiang_" not in refused.text
    assert with_token.status_code == 200 and "zhixiang_requests_total" in with_token.text
    async with from_address(metrics_app, "192.0.2.44") as allowed:
        assert (await allowed.get("/metrics")).status_code == 200


async def test_development_serves_loopback_and_production_nobody_by_default(sqlite_url):
    assert make_settings(sqlite_url).metrics_allowed.contains("127.0.0.1")
    production = make_settings(
        sqlite_url, environment="production", secret_key="k" * 8 + "0123456789abcdefghijklmnopqrstuv"
    )
    assert not production.metrics_allowed.contains("127.0.0.1") and not production.proxies.networks
    async with running(create_app(make_settings(sqlite_url))) as app, from_address(app, "127.0.0.1") as local:
        assert (await local.get("/metrics")).status_code == 200
