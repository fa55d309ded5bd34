"""How long a failing consumer waits before its next attempt, and when it gives up.

Exponential backoff with jitter: base × 2^(attempt-1), capped, then stretched by a random 0–25 %
so consumers that failed together (a downstream outage) do not all come back in the same tick."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

JITTER = 0.25


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 10
    base_s: float = 2.0
    cap_s: float = 600.0
    rng: random.Random = field(default_factory=random.Random, compare=False)

    def delay_s(self, attempt: int) -> float:
        """The wait after the `attempt`-th failure (1-based), within [d, d × 1.25]."""
        plain = min(self.base_s * 2.0 ** max(attempt - 1, 0), self.cap_s)
        return plain * (1 + JITTER * self.rng.random())

    def gives_up(self, attempts: int) -> bool:
        return attempts >= self.max_attempts

    def next_attempt_at(self, attempt: int, now: datetime) -> datetime:
        return now + timedelta(seconds=self.delay_s(attempt))
