"""An ended session's funnel, kept: nothing new happens in its room, so the brand page and every
partner's reread it from memory. Only a refund still changes it, and a refund bumps the session's
change version (`distribution.funnel.changes`), which every worker reads: a copy is served only
while the version it was made at is still the session's."""

from __future__ import annotations

import time
from typing import Any

TTL_S = 3600.0  # memory hygiene only: the version decides whether a copy is current
MAX_ENTRIES = 5_000


class EndedFunnelCache:
    def __init__(self, ttl_s: float = TTL_S) -> None:
        self.ttl_s = ttl_s
        self._entries: dict[tuple[str, str | None], tuple[float, int, Any]] = {}

    def get(self, key: tuple[str, str | None], version: int) -> Any | None:
        hit = self._entries.get(key)
        if hit is None or hit[0] < time.monotonic() or hit[1] != version:
            return None
        return hit[2]

    def put(self, key: tuple[str, str | None], version: int, snapshot: Any) -> None:
        if len(self._entries) >= MAX_ENTRIES:
            self._entries.clear()
        self._entries[key] = (time.monotonic() + self.ttl_s, version, snapshot)


ended_cache = EndedFunnelCache()
