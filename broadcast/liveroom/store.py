"""The port behind the room's shared state: sequence numbers, short history, counters, presence
and rate limits. Two adapters: Redis (any number of workers) and memory (one worker)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

HISTORY_MAX = 512  # events kept for resuming (~1 minute of a busy room)
TTL_S = 7 * 86400
COUNTER_GATE_MS = 250  # likes and carts: at most 4 broadcasts a second per session
VIEWERS_GATE_MS = 1000  # viewer count: at most once a second
PRESENCE_STALE_MS = 5000  # a worker that stopped reporting for this long no longer counts

# Results of a counter flush.
IDLE, WAITING, PUBLISHED = 0, 1, 2


@dataclass(frozen=True)
class Counters:
    likes: int
    carts: dict[str, int]
    viewers: int


class RoomStore(Protocol):
    async def append(self, session_id: str, body: dict[str, Any]) -> str:
        """Give `body` the next seq, keep it in the history and publish it; returns the event."""

    async def like(self, session_id: str, by_ref: dict[str, int]) -> int:
        """Add likes (`by_ref`: link code, or "" for none, -> count) and flush if the gate is open."""

    async def cart(self, session_id: str, sku_id: str, quantity: int, ref: str | None) -> int: ...

    async def flush(self, session_id: str) -> tuple[int, int]:
        """Publish the like total and cart counts if they changed and their gate is open."""

    async def presence(self, session_id: str, worker: str, count: int, refs: dict[str, int]) -> int: ...

    async def current_seq(self, session_id: str) -> int: ...

    async def history_after(self, session_id: str, seq: int) -> list[str]: ...

    async def counters(self, session_id: str) -> Counters: ...

    async def raise_counters(self, session_id: str, likes: int, carts: dict[str, int]) -> None:
        """Raise the like total and each SKU's cart count to at least these (see `recount`)."""

    async def ref_counts(self, session_id: str) -> dict[str, dict[str, int]]: ...

    async def add_orders(self, session_id: str, quantities: dict[str, int]) -> None: ...

    async def orders(self, session_id: str) -> dict[str, int]: ...

    async def record_likers(self, session_id: str, likers: dict[str, int]) -> None:
        """Remember each visitor's last like (epoch ms), for draws that likers may enter."""

    async def liked_at(self, session_id: str, visitor_id: str) -> int | None: ...

    async def note_viewer(self, session_id: str, visitor_id: str) -> None:
        """Remember a visitor who opened the room (for the unique-viewer count of the dashboard)."""

    async def unique_viewers(self, session_id: str) -> int: ...

    async def add_watch_ms(self, session_id: str, ms: int) -> None:
        """Add to the session's measured watch time (see `watch.py`)."""

    async def watch_ms(self, session_id: str) -> int: ...

    async def allow(self, key: str, limit: int, window_s: int) -> bool:
        """A fixed-window rate limit shared by all workers: True while under `limit`."""


def merge_refs(per_worker: list[dict[str, int]]) -> dict[str, int]:
    merged: dict[str, int] = {}
    for refs in per_worker:
        for ref, count in refs.items():
            merged[ref] = merged.get(ref, 0) + int(count)
    return merged


def funnel(viewers: dict[str, int], likes: dict[str, int], carts: dict[str, int]) -> dict[str, dict[str, int]]:
    refs = set(viewers) | set(likes) | set(carts)
    return {
        ref: {"viewers": viewers.get(ref, 0), "likes": likes.get(ref, 0), "cart_adds": carts.get(ref, 0)}
        for ref in sorted(refs)
    }
