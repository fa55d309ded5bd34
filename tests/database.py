"""The test databases: emptying every table between tests, and reading what the outbox holds."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from litestar import Litestar
from sqlmodel import select

from server.kernel.db import sync_url
from server.kernel.outbox import OutboxEvent
from server.metadata import metadata


def empty_tables(url: str) -> None:
    engine = sa.create_engine(sync_url(url))
    tables = [t.name for t in metadata.sorted_tables]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE"))
        else:
            for table in reversed(tables):
                conn.execute(sa.text(f'DELETE FROM "{table}"'))
    engine.dispose()


async def outbox(app: Litestar, topic: str) -> list[dict[str, Any]]:
    """The payloads of every event of `topic` in the outbox, oldest first."""
    async with app.state.sessionmaker() as session:
        rows = (
            await session.exec(select(OutboxEvent).where(OutboxEvent.topic == topic).order_by(OutboxEvent.id))
        ).all()
    return [row.payload for row in rows]
