"""Per-link room activity for the partners' funnels (read model for distribution).

Contract: `ref_counts(state, session_id)` returns, for every `ref` (link code) seen on the
session's viewer sockets, `{"viewers": current viewers, "likes": total likes, "cart_adds": total
cart adds}`. `state` is the app's `State`."""

from __future__ import annotations

from typing import Any, TypedDict


class RefCounts(TypedDict):
    viewers: int
    likes: int
    cart_adds: int


async def ref_counts(state: Any, session_id: str) -> dict[str, RefCounts]:
    return {}  # filled in by the live room
