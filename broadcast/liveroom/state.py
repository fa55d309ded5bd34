"""What a worker knows of a room, kept current by applying the ordered event stream to a
snapshot loaded once. A joining viewer gets a copy at exactly the room's last `seq`."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

LAST_COMMENTS = 30
CLOSED_STATES = frozenset({"ended", "cancelled"})
STATE_STAMPS = {"live": "started_at", "ended": "ended_at"}  # which session time a `state` event sets


@dataclass
class RoomState:
    session: dict[str, Any]
    pinned_sku_id: str | None = None
    lineup: list[dict[str, Any]] = field(default_factory=list)
    likes: int = 0
    carts: dict[str, int] = field(default_factory=dict)
    viewers: int = 0
    comments: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=LAST_COMMENTS))
    blocked_words: list[str] = field(default_factory=list)
    seq: int = 0

    @property
    def is_closed(self) -> bool:
        return self.session.get("state") in CLOSED_STATES

    @property
    def is_live(self) -> bool:
        return self.session.get("state") == "live"

    def sku_ids(self) -> set[str]:
        return {item["sku_id"] for item in self.lineup}

    def apply(self, event: dict[str, Any]) -> None:
        handler = getattr(self, f"_on_{event.get('type')}", None)
        if handler is not None:
            handler(event)
        self.seq = max(self.seq, int(event.get("seq", 0)))

    def _on_likes(self, event: dict[str, Any]) -> None:
        self.likes = max(self.likes, int(event["total"]))  # counters never go backwards

    def _on_carts(self, event: dict[str, Any]) -> None:
        for sku_id, count in event["counts"].items():
            self.carts[sku_id] = max(self.carts.get(sku_id, 0), int(count))

    def _on_viewers(self, event: dict[str, Any]) -> None:
        self.viewers = int(event["count"])

    def _on_pin(self, event: dict[str, Any]) -> None:
        self.pinned_sku_id = event.get("sku_id")

    def _on_state(self, event: dict[str, Any]) -> None:
        self.session["state"] = event["state"]
        stamp = STATE_STAMPS.get(event["state"])
        if stamp and event.get("at"):
            self.session[stamp] = event["at"]
        if event["state"] != "live":
            self.pinned_sku_id = None

    def _on_stock(self, event: dict[str, Any]) -> None:
        for item in self.lineup:
            if item["sku_id"] == event["sku_id"]:
                item["stock"] = int(event["stock"])

    def _on_lineup(self, event: dict[str, Any]) -> None:
        self.lineup = list(event["items"])

    def _on_comment(self, event: dict[str, Any]) -> None:
        if all(c["id"] != event["id"] for c in self.comments):
            self.comments.append({k: event[k] for k in ("id", "author", "text", "at")})

    def _on_comment_deleted(self, event: dict[str, Any]) -> None:
        kept = [c for c in self.comments if c["id"] != event["id"]]
        self.comments.clear()
        self.comments.extend(kept)

    def snapshot(self) -> dict[str, Any]:
        return {
            "type": "snapshot",
            "seq": self.seq,
            "session": dict(self.session),
            "pinned_sku_id": self.pinned_sku_id,
            "lineup": [dict(i) for i in self.lineup],
            "likes": self.likes,
            "carts": dict(self.carts),
            "viewers": self.viewers,
            "comments": list(self.comments),
        }
