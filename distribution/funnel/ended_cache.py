"""An ended session's funnel, kept a little while: nothing new happens in its room, so the brand
page and every partner's reread it from memory. Only a refund still changes it; the refund handler
drops the session's entries in its process, and other workers see it when their copy expires."""

from __future__ import annotations

import time
from typing import Any

TTL_S = 30.0
MAX_ENTRIES = 5_000


class EndedFunnelCache:
    def __init__(self, ttl_s: float = TTL_S) -> None:
        self.ttl_s = ttl_s
        self._entries: dict[tuple[str, str | None], tuple[float, Any]] = {}

    def get(self, key: tuple[str, str | None]) -> Any | None:
        hit = self._entries.get(key)
        if hit is None or hit[0] < time.monotonic():
            return None
        return hit[1]

    def put(self, key: tuple[str, str | None], snapshot: Any) -> None:
        if len(self._entries) >= MAX_ENTRIES:
            self._entries.clear()
        self._entries[key] = (time.monotonic() + self.ttl_s, snapshot)

    def drop_session(self, session_id: str) -> None:
        for key in [k for k in self._entries if k[0] == session_id]:
            del self._entries[key]


ended_cache = EndedFunnelCache()
