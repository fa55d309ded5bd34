"""The outbox's retry policy: exponential, capped, jittered within +0–25 %, gives up at N."""

from __future__ import annotations

import random

from server.events.retry import RetryPolicy


def test_delays_double_up_to_the_cap_with_bounded_jitter():
    policy = RetryPolicy(max_attempts=10, base_s=2, cap_s=60, rng=random.Random(1))
    for attempt, plain in [(1, 2), (2, 4), (3, 8), (4, 16), (5, 32), (6, 60), (9, 60)]:
        delays = [policy.delay_s(attempt) for _ in range(200)]
        assert all(plain <= d <= plain * 1.25 for d in delays), (attempt, min(delays), max(delays))
        assert max(delays) - min(delays) > plain * 0.1  # really jittered, not a constant


def test_gives_up_at_max_attempts():
    policy = RetryPolicy(max_attempts=3)
    assert [policy.gives_up(n) for n in (1, 2, 3, 4)] == [False, False, True, True]
