"""Room events on the wire: JSON objects with a `type`; the fan-out adds `seq` (per session, no
gaps) and `ts` (publish time, ms since the epoch). Counters carry absolute values, so applying
an event twice, or after a snapshot that already includes it, changes nothing."""

from __future__ import annotations

import json
from typing import Any

# Events a slow connection may skip when a newer one of the same key is queued (drop oldest).
COALESCED_TYPES = frozenset({"likes", "carts", "viewers"})


def channel_of(namespace: str, session_id: str) -> str:
    return f"{namespace}:room:{session_id}"


def body_prefix(body: dict[str, Any]) -> str:
    """The JSON of `body` without its closing brace: the publisher appends `seq` and `ts`."""
    text = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
    return text[:-1]


def finish(prefix: str, seq: int, ts_ms: int) -> str:
    return f'{prefix},"seq":{seq},"ts":{ts_ms}}}'


def coalesce_key(event: dict[str, Any]) -> str | None:
    """The key under which a newer event replaces an older unsent one; None = must be delivered."""
    kind = event.get("type")
    if kind in COALESCED_TYPES:
        return str(kind)
    if kind == "stock":
        return f"stock:{event.get('sku_id')}"
    return None


def encode(event: dict[str, Any]) -> str:
    return json.dumps(event, separators=(",", ":"), ensure_ascii=False)


def error(code: str, detail: str) -> str:
    """An error answer to one connection (never broadcast, no seq)."""
    return encode({"type": "error", "code": code, "detail": detail})
