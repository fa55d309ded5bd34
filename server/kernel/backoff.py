"""How a background loop behaves while something it needs (the database) is away.

Without this, every loop of every worker retries on its own tick (the outbox every 200 ms), logs
each failure, and when the database comes back they all reconnect in the same instant. Instead:
the first failure is logged, then at most one "still failing" line a minute; the wait between
tries doubles up to a cap, with jitter so the workers do not come back in step; the first
success after failures is logged too. The cap bounds how long a loop lags behind a recovery."""

from __future__ import annotations

import random
import time
from typing import Any

import structlog


def _log() -> structlog.typing.FilteringBoundLogger:
    # A logger per message (there is one per outage, not per request): the app caches loggers on
    # first use, and a module-level one would keep whatever processors were configured first.
    return structlog.get_logger("backoff")  # type: ignore[no-any-return]


REPEAT_LOG_S = 60.0


class FailureBackoff:
    def __init__(self, name: str, base_s: float, cap_s: float = 5.0) -> None:
        self.name, self.base_s, self.cap_s = name, base_s, max(cap_s, base_s)
        self.failures = 0
        self._logged_at = 0.0

    def failed(self, exc: BaseException, **context: Any) -> float:
        """Record a failed try; returns the seconds to wait before the next one."""
        self.failures += 1
        now = time.monotonic()
        if self.failures == 1 or now - self._logged_at >= REPEAT_LOG_S:
            self._logged_at = now
            _log().warning(
                "background work failing", job=self.name, failures=self.failures, error=repr(exc)[:300], **context
            )
        delay = min(self.cap_s, self.base_s * 2 ** min(self.failures, 16))
        return float(delay * random.uniform(0.5, 1.0))

    def succeeded(self) -> None:
        if self.failures:
            _log().info("background work recovered", job=self.name, failures=self.failures)
        self.failures = 0
