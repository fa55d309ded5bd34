"""Watch time, measured: how long each visitor had the room open on this worker, from join to
leave by the injected clock. Exact (no sampling: a visit of 7 s counts 7 s; a visitor with two
tabs open on this worker counts once, tabs served by two workers count on each) and cheap: the
room hands the total to the store once a presence tick, one counter increment per worker per
second, whatever the audience. A worker that dies loses at most the last tick of its own
visitors' time."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta


class WatchTime:
    def __init__(self) -> None:
        self._since: dict[str, datetime] = {}  # visitor → counted up to
        self._sockets: Counter[str] = Counter()
        self._owed_ms = 0  # time of visitors who left, not yet handed to the store

    def join(self, visitor_id: str, at: datetime) -> None:
        if not self._sockets[visitor_id]:
            self._since[visitor_id] = at
        self._sockets[visitor_id] += 1

    def leave(self, visitor_id: str, at: datetime) -> None:
        self._sockets[visitor_id] -= 1
        if self._sockets[visitor_id] > 0:
            return
        del self._sockets[visitor_id]
        since = self._since.pop(visitor_id, None)
        if since is not None:
            self._owed_ms += _ms(at - since)

    def take(self, at: datetime) -> int:
        """The milliseconds watched since the last take (leavers, and everyone still watching
        up to `at`); give them back if the store refused them."""
        owed, self._owed_ms = self._owed_ms, 0
        for visitor_id, since in self._since.items():
            owed += _ms(at - since)
            self._since[visitor_id] = max(since, at)
        return owed

    def give_back(self, ms: int) -> None:
        self._owed_ms += ms


def _ms(span: timedelta) -> int:
    return max(0, round(span.total_seconds() * 1000))
