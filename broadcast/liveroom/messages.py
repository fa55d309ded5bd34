"""What a viewer may send, checked before anything else happens. Every failure is a short code
and a sentence for the `error` event; nothing here raises."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MAX_FRAME_BYTES = 4096
# A room message is an object of scalars. Deeper frames are refused before parsing: json.loads
# recurses per level, and a RecursionError, even caught, upsets CPython 3.11's own recursion
# accounting in that thread (a later `ast.parse` there fails with SystemError).
MAX_NESTING = 16
MAX_LIKES_PER_MESSAGE = 50
MAX_COMMENT_CHARS = 200


@dataclass(frozen=True)
class Rejected:
    code: str
    detail: str


@dataclass(frozen=True)
class Like:
    count: int


@dataclass(frozen=True)
class Comment:
    text: str


@dataclass(frozen=True)
class Cart:
    sku_id: str
    quantity: int = 1


@dataclass(frozen=True)
class Ping:
    pass


Message = Like | Comment | Cart | Ping


def parse(frame: str | bytes | None) -> Message | Rejected:
    if frame is None:
        return Rejected("malformed", "send JSON text frames")
    size = len(frame) if isinstance(frame, bytes) else len(frame.encode())
    if size > MAX_FRAME_BYTES:
        return Rejected("too-large", f"frames are limited to {MAX_FRAME_BYTES} bytes")
    text = frame.decode(errors="replace") if isinstance(frame, bytes) else frame
    if _nested_deeper_than(text, MAX_NESTING):
        return Rejected("malformed", f"the frame is nested deeper than {MAX_NESTING} levels")
    try:
        data = json.loads(frame)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return Rejected("malformed", "the frame is not valid JSON")
    if not isinstance(data, dict):
        return Rejected("malformed", 'send a JSON object such as {"type": "like", "count": 1}')
    reader = READERS.get(str(data.get("type")))
    if reader is None:
        return Rejected("unknown-type", f"unknown message type; use one of: {', '.join(sorted(READERS))}")
    return reader(data)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _like(data: dict[str, Any]) -> Message | Rejected:
    count = data.get("count", 1)
    if not _is_int(count) or not 1 <= count <= MAX_LIKES_PER_MESSAGE:
        return Rejected("invalid", f"like count must be an integer from 1 to {MAX_LIKES_PER_MESSAGE}")
    return Like(count)


def _comment(data: dict[str, Any]) -> Message | Rejected:
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        return Rejected("invalid", "a comment needs some text")
    text = " ".join(text.split())
    if len(text) > MAX_COMMENT_CHARS:
        return Rejected("invalid", f"comments are limited to {MAX_COMMENT_CHARS} characters")
    return Comment(text)


def _cart(data: dict[str, Any]) -> Message | Rejected:
    sku_id, quantity = data.get("sku_id"), data.get("quantity", 1)
    if not isinstance(sku_id, str) or not 1 <= len(sku_id) <= 40:
        return Rejected("invalid", "cart needs the sku_id of a SKU in the line-up")
    if not _is_int(quantity) or not 1 <= quantity <= 99:
        return Rejected("invalid", "quantity must be an integer from 1 to 99")
    return Cart(sku_id, quantity)


def _ping(data: dict[str, Any]) -> Message | Rejected:
    return Ping()


READERS: dict[str, Callable[[dict[str, Any]], Message | Rejected]] = {
    "like": _like,
    "comment": _comment,
    "cart": _cart,
    "ping": _ping,
}


def _nested_deeper_than(text: str, limit: int) -> bool:
    """Whether brackets outside strings nest deeper than `limit` (a frame is at most 4 KB)."""
    depth, in_string, escaped = 0, False, False
    for ch in text:
        if in_string:
            escaped, in_string = (False, True) if escaped else (ch == "\\", ch != '"')
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return True
        elif ch in "]}":
            depth -= 1
    return False
