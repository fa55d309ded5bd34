"""The cursor of the partner's customer list (私域): its rows are ordered by their last order,
newest first, which no id follows, so the cursor is the last row's sort key — (last order, bound
since, brand) — an opaque, URL-safe token. A customer whose last order moves while the partner
pages is shown where it stands when each page is read."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime

from distribution.customer_schemas import CustomerPublic
from server.kernel.problems import InvalidInput

SortKey = tuple[datetime, datetime, str]


def _utc(moment: datetime) -> datetime:
    """SQLite hands back naive UTC times, PostgreSQL aware ones: compare them alike."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def sort_key(row: CustomerPublic) -> SortKey:
    return (_utc(row.last_order_at), _utc(row.bound_since), row.brand_id)


def encode(key: SortKey) -> str:
    text = f"{key[0].isoformat()}|{key[1].isoformat()}|{key[2]}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode(cursor: str) -> SortKey:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        last, since, brand_id = text.split("|")
        return (_utc(datetime.fromisoformat(last)), _utc(datetime.fromisoformat(since)), brand_id)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput(
            "cursor is not one this list gave out", extra={"errors": [{"field": "cursor", "message": "unknown cursor"}]}
        ) from None


def page_of(rows: list[CustomerPublic], cursor: str | None, limit: int) -> tuple[list[CustomerPublic], str | None]:
    """The `limit` rows after `cursor` (newest last order first) and the cursor for the next page."""
    ordered = sorted(rows, key=sort_key, reverse=True)
    if cursor:
        after = decode(cursor)
        ordered = [r for r in ordered if sort_key(r) < after]
    page = ordered[:limit]
    return page, encode(sort_key(page[-1])) if len(ordered) > limit else None
