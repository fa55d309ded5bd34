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
    """Viewers now (summed over the workers that reported in the last few seconds), likes and
    cart adds since the session began; an app without a running live room has no counts."""
    room = getattr(state, "liveroom", None)
    if room is None:
        return {}
    counts = await room.store.ref_counts(session_id)
    return {
        ref: RefCounts(viewers=c["viewers"], likes=c["likes"], cart_adds=c["cart_adds"]) for ref, c in counts.items()
    }
