"""Abuse of the public writes: one address throwing its cookie away on every request is refused at
the configured limit (429 problem+json with Retry-After) while another address is still served;
on the memory adapter (SQLite, one worker) and on Redis (PostgreSQL)."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from litestar import Litestar

from server.app import create_app
from tests.app_settings import make_settings
from tests.asgi_clients import from_address, running
from tests.database import empty_tables

LIMIT = 3
BODY: dict[str, Any] = {}  # refused or not, the limit is counted before the body is read
PUBLIC_WRITES = {
    "checkout": ("/api/v1/sessions/ses_abuse1/checkout", BODY),
    "group-open": ("/api/v1/sessions/ses_abuse1/group-offers/gof_abuse1/groups", BODY),
    "group-join": ("/api/v1/groups/ABCDEFGH/members", BODY),
    "coupon-claim": ("/api/v1/sessions/ses_abuse1/coupons/cpn_abuse1/claims", None),
    "lottery-entry": ("/api/v1/sessions/ses_abuse1/lotteries/lot_abuse1/entries", None),
    "reminder": ("/api/v1/sessions/ses_abuse1/reminders", {"channel": "email", "address": "a@example.com"}),
}


def limited_settings(request: pytest.FixtureRequest, **overrides: Any) -> Any:
    rates = {
        f"rate_limit_{action}": f"{LIMIT}/minute"
        for action in ("checkout", "coupon_claim", "lottery_entry", "reminder", "signin")
    }
    values: dict[str, Any] = {**rates, "rate_limit_address_factor": 1, **overrides}
    if request.param == "memory-sqlite":
        url = request.getfixturevalue("sqlite_url")
        empty_tables(url)
        return make_settings(url, **values)
    return make_settings(
        request.getfixturevalue("postgres_db_url"),
        redis_url=request.getfixturevalue("redis_url"),
        redis_namespace=request.getfixturevalue("redis_namespace"),
        **values,
    )


@pytest.fixture(params=["memory-sqlite", "redis-postgres"])
async def limited_app(request: pytest.FixtureRequest) -> AsyncIterator[Litestar]:
    async with running(create_app(limited_settings(request, trusted_proxies="10.0.0.1"))) as app:
        yield app


async def post_fresh(client: httpx.AsyncClient, path: str, body: Any, **headers: str) -> httpx.Response:
    """Each request as a brand-new browser: a fresh `zx_vid`, a fresh idempotency key."""
    client.cookies.clear()
    cookie = {"Cookie": f"zx_vid={secrets.token_urlsafe(16)}", "Idempotency-Key": secrets.token_hex(8)}
    return await client.post(path, json=body, headers={**cookie, **headers})


def assert_refused(response: httpx.Response) -> None:
    assert response.status_code == 429, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert 1 <= int(response.headers["retry-after"]) <= 60
    problem = response.json()
    assert problem["type"].endswith("/rate-limited") and problem["reason"] == "rate-limited"
    assert "retry in" in problem["detail"] and problem["retry_after"] == int(response.headers["retry-after"])


async def test_one_address_with_fresh_cookies_is_refused_at_the_limit_another_is_served(limited_app):
    for n, (write, (path, body)) in enumerate(PUBLIC_WRITES.items()):
        # one address pair per write: checkout and the group-buy writes share one allowance (orders)
        abuser, other = from_address(limited_app, f"203.0.113.{n}"), from_address(limited_app, f"198.51.100.{n}")
        async with abuser, other:
            # given LIMIT requests from one address, each with a new cookie: they reach the route
            served = [await post_fresh(abuser, path, body) for _ in range(LIMIT)]
            assert all(r.status_code != 429 for r in served), (write, [r.status_code for r in served])
            # when it sends one more, then it is refused, and another address is still served
            assert_refused(await post_fresh(abuser, path, body))
            assert (await post_fresh(other, path, body)).status_code != 429, write


async def test_one_browser_is_limited_on_its_cookie_across_addresses(limited_app):
    path, body = PUBLIC_WRITES["lottery-entry"]
    cookie = {"Cookie": "zx_vid=one-browser-cookie-0001"}
    statuses = []
    for n in range(LIMIT + 1):
        async with from_address(limited_app, f"203.0.113.{n + 1}") as client:
            statuses.append((await client.post(path, json=body, headers=cookie)).status_code)
    assert statuses[:LIMIT] == [404] * LIMIT and statuses[LIMIT] == 429


async def test_forwarded_for_is_believed_from_a_trusted_proxy_only(limited_app):
    path, body = PUBLIC_WRITES["coupon-claim"]
    async with from_address(limited_app, "10.0.0.1") as balancer:
        # behind the trusted load balancer, two clients have an allowance each
        for client_ip in ("198.51.100.1", "198.51.100.2"):
            xff = {"X-Forwarded-For": f"6.6.6.6, {client_ip}"}
            assert all([(await post_fresh(balancer, path, body, **xff)).status_code == 404 for _ in range(LIMIT)])
        assert_refused(await post_fresh(balancer, path, body, **{"X-Forwarded-For": "7.7.7.7, 198.51.100.1"}))
    async with from_address(limited_app, "203.0.113.99") as spoofer:
        # an untrusted peer claiming a new address each time is still one address
        for n in range(LIMIT):
            xff = {"X-Forwarded-For": f"192.0.2.{n + 1}"}
            assert (await post_fresh(spoofer, path, body, **xff)).status_code == 404
        assert_refused(await post_fresh(spoofer, path, body, **{"X-Forwarded-For": "192.0.2.200"}))


async def test_sign_in_attempts_are_limited_per_address(limited_app):
    async with from_address(limited_app, "203.0.113.8") as guesser:
        tries = [await guesser.post("/signin", data={"token": f"zx_guess{n}"}) for n in range(LIMIT + 1)]
    assert all(r.status_code != 429 for r in tries[:LIMIT])
    assert_refused(tries[LIMIT])
