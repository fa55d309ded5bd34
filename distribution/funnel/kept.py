"""The funnel's kept counts: counted clicks per (session, link) and orders per group, added to by
increments (`INSERT … ON CONFLICT DO UPDATE`) in the transaction that writes the clicks or the
orders, so the funnel reads a few rows whatever the session's size. Rows are incremented in one
sorted order, so two writers wait for each other instead of deadlocking."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel.ext.asyncio.session import AsyncSession

from distribution.models import FunnelLinkClicks, FunnelOrder, FunnelOrderGroup

GroupKey = tuple[str, str, str, bool, int]  # session, partner, link ('' for none), earns, net
ClickKey = tuple[str, str, str]  # session, link, partner


def group_key(order: FunnelOrder, net_minor: int) -> GroupKey | None:
    if not order.session_id:
        return None  # an order outside a live session is in no session's funnel
    return (order.session_id, order.partner_id, order.link_id or "", order.earns, net_minor)


async def add_to_groups(session: AsyncSession, changes: Counter[GroupKey]) -> None:
    """Add each key's count (negative: an order leaving that group) to its kept row."""
    rows = [
        {"session_id": s, "partner_id": p, "link_id": link, "earns": e, "net_minor": n, "orders": count}
        for (s, p, link, e, n), count in sorted(changes.items())
        if count
    ]
    await _upsert(session, FunnelOrderGroup, rows, "orders")


async def add_clicks(session: AsyncSession, counted: Iterable[ClickKey]) -> None:
    """Add the counted clicks just written (one key per click) to their (session, link) rows."""
    rows = [
        {"session_id": s, "link_id": link, "partner_id": p, "clicks": n}
        for (s, link, p), n in sorted(Counter(counted).items())
    ]
    await _upsert(session, FunnelLinkClicks, rows, "clicks")


async def _upsert(session: AsyncSession, model: Any, rows: list[dict[str, Any]], counter: str) -> None:
    if not rows:
        return
    table = model.__table__
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    keys = [c.name for c in table.primary_key.columns]
    stmt = insert.on_conflict_do_update(
        index_elements=keys, set_={counter: table.c[counter] + insert.excluded[counter]}
    )
    await session.execute(stmt, rows)
