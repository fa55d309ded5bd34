"""The stock gate in process memory, for one worker without Redis. Same rules as the Lua scripts;
no await inside a call, so each call is atomic on the event loop."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from broadcast.checkout.gate.port import LOCK_TTL_MS, Answer, GateStock, Line, Verdict


@dataclass
class _Session:
    limit: int
    left: dict[str, Any]  # Any: a test may corrupt it, as one could a Redis hash
    bought: dict[tuple[str, str], int] = field(default_factory=dict)
    won: set[tuple[str, str]] = field(default_factory=set)
    seq: int = 0


def _number(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class MemoryStockGate:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._sessions: dict[str, _Session] = {}
        self._locks: dict[str, float] = {}

    async def take(self, session_id: str, visitor_id: str, key: str, lines: Sequence[Line]) -> Answer:
        s = self._sessions.get(session_id)
        if s is None:
            return Answer(Verdict.MISSING)
        if (visitor_id, key) in s.won:
            return Answer(Verdict.REPLAY)
        if not lines:
            return self._probe(s, visitor_id)
        for line in lines:
            left = _number(s.left.get(line.sku_id))
            if left is None:
                return Answer(Verdict.MISSING, line.sku_id)
            if left < line.quantity:
                return Answer(Verdict.SOLD_OUT, line.sku_id, max(0, left))
            had = s.bought.get((visitor_id, line.sku_id), 0)
            if had + line.quantity > s.limit:
                return Answer(Verdict.OVER_LIMIT, line.sku_id, had, s.limit)
        for line in lines:
            s.left[line.sku_id] = int(s.left[line.sku_id]) - line.quantity
            s.bought[(visitor_id, line.sku_id)] = s.bought.get((visitor_id, line.sku_id), 0) + line.quantity
        s.won.add((visitor_id, key))
        s.seq += 1
        return Answer(Verdict.TAKEN)

    def _probe(self, s: _Session, visitor_id: str) -> Answer:
        over = ""
        for sku_id, value in s.left.items():
            left = _number(value)
            if left is None:
                return Answer(Verdict.MISSING, sku_id)
            if left > 0:
                if s.bought.get((visitor_id, sku_id), 0) < s.limit:
                    return Answer(Verdict.OPEN)
                over = sku_id
        if over:
            return Answer(Verdict.OVER_LIMIT, over, s.bought[(visitor_id, over)], s.limit)
        return Answer(Verdict.SOLD_OUT)

    async def give(self, session_id: str, visitor_id: str, key: str, lines: Sequence[Line]) -> bool:
        s = self._sessions.get(session_id)
        if s is None or (visitor_id, key) not in s.won:
            return False
        s.won.discard((visitor_id, key))
        for line in lines:
            left = _number(s.left.get(line.sku_id))
            if left is not None:
                s.left[line.sku_id] = left + line.quantity
            had = s.bought.pop((visitor_id, line.sku_id), 0) - line.quantity
            if had > 0:
                s.bought[(visitor_id, line.sku_id)] = had
        s.seq += 1
        return True

    async def load(self, session_id: str, stock: GateStock) -> None:
        before = self._sessions.get(session_id)
        self._sessions[session_id] = _Session(
            limit=stock.per_buyer_limit,
            left=dict(stock.left),
            bought=dict(stock.bought),
            won=set(stock.won),
            seq=(before.seq + 1) if before else 0,
        )

    async def reconcile(self, session_id: str, left: dict[str, int], seen_seq: int | None) -> tuple[int, int]:
        s = self._sessions.get(session_id)
        if s is None:
            return -1, 0
        quiet, changed = seen_seq == s.seq, 0
        for sku_id, db_left in left.items():
            now = _number(s.left.get(sku_id))
            if now is None or now > db_left or (now < db_left and quiet):
                s.left[sku_id], changed = db_left, changed + 1
        return s.seq, changed

    async def lock(self, session_id: str) -> bool:
        now = self.clock()
        if self._locks.get(session_id, 0.0) > now:
            return False
        self._locks[session_id] = now + LOCK_TTL_MS / 1000
        return True

    async def unlock(self, session_id: str) -> None:
        self._locks.pop(session_id, None)

    async def sessions(self) -> list[str]:
        return list(self._sessions)

    async def drop(self, session_id: str) -> None:
        self._sessions.pop(session_id, None)

    async def units_left(self, session_id: str) -> dict[str, int]:
        s = self._sessions.get(session_id)
        numbers = {k: _number(v) for k, v in (s.left.items() if s else [])}
        return {k: v for k, v in numbers.items() if v is not None}

    def corrupt(self, session_id: str, sku_id: str, value: Any) -> None:
        """Tests: what a bad write or a bit flip would leave behind."""
        self._sessions[session_id].left[sku_id] = value
