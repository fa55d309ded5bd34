"""A database pool that stays exhausted answers a retryable 503, never a 500."""

from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy.exc import TimeoutError as PoolTimeout

from server.errors import EXCEPTION_HANDLERS


def test_pool_timeout_is_a_503_with_retry_after():
    handler = EXCEPTION_HANDLERS[PoolTimeout]
    response = handler(SimpleNamespace(url=SimpleNamespace(path="/api/v1/sessions/x/checkout")), PoolTimeout("busy"))
    assert response.status_code == 503 and response.headers["Retry-After"] == "1"
    assert response.content["type"].endswith("/busy")
