"""Per-connection flood control: a token bucket; past it messages are refused with an error, and a
connection that keeps pushing after many refusals is closed."""

from __future__ import annotations

import time
from collections.abc import Callable

RATE_PER_S = 20.0
BURST = 40
STRIKES_TO_CLOSE = 60
CLOSE_FLOOD = 4429


class FloodGuard:
    def __init__(
        self,
        rate_per_s: float = RATE_PER_S,
        burst: int = BURST,
        strikes_to_close: int = STRIKES_TO_CLOSE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate_per_s = rate_per_s
        self.burst = burst
        self.strikes_to_close = strikes_to_close
        self.clock = clock
        self.tokens = float(burst)
        self.strikes = 0
        self._last = clock()

    def admit(self) -> bool:
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self._last) * self.rate_per_s)
        self._last = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        self.strikes += 1
        return False

    @property
    def should_close(self) -> bool:
        return self.strikes >= self.strikes_to_close
