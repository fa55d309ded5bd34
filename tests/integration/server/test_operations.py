"""Operations: health reports each dependency, metrics are scraped, requests carry an id."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from server.app import create_app
from tests.app_settings import make_settings


async def test_healthz_reports_database_and_redis(db_url, redis_url):
    app = create_app(make_settings(db_url, redis_url=redis_url))
    async with AsyncTestClient(app=app) as client:
        response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "redis": "ok", "room_fanout": "ok"},
    }


async def test_healthz_is_503_when_redis_is_down(db_url):
    app = create_app(make_settings(db_url, redis_url="redis://127.0.0.1:1/0"))
    async with AsyncTestClient(app=app) as client:
        response = await client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"].startswith("error")
    assert response.json()["checks"]["room_fanout"].startswith("degraded")


async def test_metrics_and_request_ids(db_url):
    app = create_app(make_settings(db_url, metrics_token="metrics-scraper-token"))
    async with AsyncTestClient(app=app) as client:
        await client.get("/api/v1/brands")
        metrics = await client.get("/metrics", headers={"Authorization": "Bearer metrics-scraper-token"})
        assert metrics.status_code == 200 and "zhixiang_requests_total" in metrics.text
        echoed = await client.get("/healthz", headers={"X-Request-ID": "trace-me-123"})
        assert echoed.headers["x-request-id"] == "trace-me-123"


async def test_docs_and_pages_render(client):
    assert (await client.get("/api/docs")).status_code == 200
    spec = (await client.get("/api/docs/openapi.json")).json()
    assert "/api/v1/brands" in spec["paths"]
    home = await client.get("/")
    assert home.status_code == 200 and "Zhixiang" in home.text
    unknown = await client.get("/no/such/page")
    assert unknown.status_code == 404 and unknown.headers["content-type"].startswith("application/problem+json")
