"""Cursor pagination over time-ordered ids: `?cursor=<last id>&limit=n`, answer `next_cursor`.

Every GET that returns a collection answers a `Page` (`{items, next_cursor}`), never a bare array, so a
client reads every list the same way and a list can grow a cursor later without breaking anyone. A
collection bounded by its parent (a session's line-up, an order's refunds) comes whole in one page with
`next_cursor: null`; `tests/integration/server/test_openapi_shapes.py` holds every GET list to this."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from sqlalchemy.sql import Select
from sqlmodel.ext.asyncio.session import AsyncSession

from server.kernel.problems import InvalidInput

T = TypeVar("T")
DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit must be between 1 and {MAX_LIMIT}", extra={"errors": [{"field": "limit"}]})
    return limit


async def fetch_page(
    session: AsyncSession,
    stmt: Select[Any],
    id_column: Any,
    cursor: str | None,
    limit: int,
    newest_first: bool = False,
) -> tuple[Sequence[Any], str | None]:
    """Rows after `cursor` in id order (or reverse id order), and the cursor for the next page (None at the end)."""
    check_limit(limit)
    if cursor:
        stmt = stmt.where(id_column < cursor if newest_first else id_column > cursor)
    order = id_column.desc() if newest_first else id_column
    rows = (await session.exec(stmt.order_by(order).limit(limit + 1))).all()  # type: ignore[call-overload]
    if len(rows) > limit:
        return rows[:limit], _id_of(rows[limit - 1])
    return rows, None


def _id_of(row: Any) -> str:
    return str(getattr(row, "id", None) or row[0].id)
