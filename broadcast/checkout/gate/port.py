"""The stock gate's port: per (session, SKU) the units left and each buyer's units, in front of
the database, so that a flash-sale crowd is answered without a database round trip.

The gate only ever *admits*; the conditional UPDATE in `stock.reserve` stays the guard. A gate
that admits too many costs a few refused transactions; one that admits too few undersells until
the reconcile pass (`keeper.py`) raises it again. Two adapters: Redis (any number of workers, one
Lua script per call) and memory (one worker); one test suite runs over both."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Protocol

SEP = "\x1f"  # between a visitor id and a SKU id or an idempotency key (neither holds it)
LOCK_TTL_MS = 3000  # a rebuild reads a handful of rows; a crashed rebuilder frees the lock by itself
TTL_S = 2 * 86400  # a session's gate outlives any live session; a lost gate is rebuilt anyway


class Verdict(IntEnum):
    TAKEN = 0  # the units and the buyer's slots are held for this checkout
    SOLD_OUT = 1
    OVER_LIMIT = 2
    MISSING = 3  # the gate does not know this session or SKU (never built, lost, or garbage)
    REPLAY = 4  # this checkout key already won: the database has (or is writing) its order
    OPEN = 5  # probe only: something is left that this buyer may still take
    UNKNOWN = 6  # the gate cannot answer (Redis away): the database decides alone


@dataclass(frozen=True)
class Line:
    sku_id: str
    quantity: int


@dataclass(frozen=True)
class Answer:
    verdict: Verdict
    sku_id: str = ""
    count: int = 0  # SOLD_OUT: units left; OVER_LIMIT: units the buyer already has
    limit: int = 0  # OVER_LIMIT: the per-buyer limit


@dataclass(frozen=True)
class GateStock:
    """What the database says, to build a session's gate from: units left per SKU, the per-buyer
    limit, units per (visitor, SKU) in open orders, and the (visitor, key) of those orders."""

    per_buyer_limit: int
    left: dict[str, int]
    bought: dict[tuple[str, str], int] = field(default_factory=dict)
    won: set[tuple[str, str]] = field(default_factory=set)


class GateUnavailable(Exception):
    """The adapter could not reach its store; callers fall back to the database alone."""


class StockGate(Protocol):
    async def take(self, session_id: str, visitor_id: str, key: str, lines: Sequence[Line]) -> Answer:
        """All lines' units and the buyer's slots at once, or none; no lines = a probe (OPEN or a refusal)."""

    async def give(self, session_id: str, visitor_id: str, key: str, lines: Sequence[Line]) -> bool:
        """Undo the take made under `key` (once: a second give-back of the same key does nothing)."""

    async def load(self, session_id: str, stock: GateStock) -> None:
        """Replace the session's gate with the database's counts."""

    async def reconcile(self, session_id: str, left: dict[str, int], seen_seq: int | None) -> tuple[int, int]:
        """Clamp each SKU down to the database's `left`, raise it only if nothing moved since
        `seen_seq`; returns (seq now, SKUs changed), seq -1 if the session is missing."""

    async def lock(self, session_id: str) -> bool: ...

    async def unlock(self, session_id: str) -> None: ...

    async def sessions(self) -> list[str]: ...

    async def drop(self, session_id: str) -> None: ...

    async def units_left(self, session_id: str) -> dict[str, int]:
        """The gate's units left per SKU (numbers only; for reports and tests)."""


def buyer_field(visitor_id: str, sku_id: str) -> str:
    return f"{visitor_id}{SEP}{sku_id}"


def won_member(visitor_id: str, key: str) -> str:
    return f"{visitor_id}{SEP}{key}"
