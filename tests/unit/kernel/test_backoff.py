"""A background loop whose dependency is away logs once, waits longer each time (up to a cap),
and says when it is back."""

from __future__ import annotations

from structlog.testing import capture_logs

from server.kernel.backoff import FailureBackoff


def test_waits_double_up_to_the_cap_and_the_outage_is_logged_once():
    backoff = FailureBackoff("outbox", base_s=0.2, cap_s=5.0)
    with capture_logs() as logs:
        waits = [backoff.failed(ConnectionRefusedError(111, "refused")) for _ in range(12)]
    assert 0.2 <= waits[0] <= 0.4 and 0.4 <= waits[1] <= 0.8 and 0.8 <= waits[2] <= 1.6
    assert all(2.5 <= w <= 5.0 for w in waits[6:])  # capped, with jitter so workers do not align
    assert [e["event"] for e in logs] == ["background work failing"]
    assert "ConnectionRefusedError" in logs[0]["error"]


def test_success_after_failures_is_logged_and_starts_over():
    backoff = FailureBackoff("sweeper", base_s=30.0)
    backoff.failed(TimeoutError())
    with capture_logs() as logs:
        backoff.succeeded()
        backoff.succeeded()
    assert [e["event"] for e in logs] == ["background work recovered"]
    assert backoff.failures == 0
    assert 15.0 <= backoff.failed(TimeoutError()) <= 30.0  # a slow job never retries sooner than it runs


def test_a_quiet_success_logs_nothing():
    with capture_logs() as logs:
        FailureBackoff("flusher", base_s=0.1).succeeded()
    assert logs == []
