"""Stock that never oversells: every unit moves with a conditional UPDATE, never read-then-write.

`UPDATE skus SET stock = stock - q WHERE id = :sku AND stock >= q` takes the SKU's row lock and
checks in one statement, so any number of concurrent checkouts can only take units that exist;
the session's limited live quantity is the same kind of update on `stock_counters`. Rows are
always touched in one order — SKUs by id, each SKU before its counter — so two transactions
never wait on each other in a circle."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout.models import StockCounter
from broadcast.models import LineupItem, Sku
from server.kernel.contracts import StockChanged
from server.kernel.db import is_postgres
from server.kernel.outbox import emit
from server.kernel.problems import Conflict

NO_SYNC = {"synchronize_session": False}
SKU, CTR = Sku.__table__, StockCounter.__table__  # type: ignore[attr-defined]


class SoldOut(Conflict):
    slug, title = "sold-out", "Not enough stock left"


@dataclass(frozen=True)
class Units:
    sku_id: str
    quantity: int


async def _execute(session: AsyncSession, stmt: sa.Executable) -> int:
    result: Any = await session.execute(stmt, execution_options=NO_SYNC)
    return int(result.rowcount)


async def _ensure_counter(session: AsyncSession, session_id: str, sku_id: str) -> None:
    insert = pg_insert if is_postgres(session) else sqlite_insert
    stmt = insert(CTR).values(session_id=session_id, sku_id=sku_id, reserved_units=0, sold_units=0)
    await session.execute(stmt.on_conflict_do_nothing())


async def reserve(session: AsyncSession, session_id: str, units: Units, limited_quantity: int | None) -> None:
    """Hold `units` for an unpaid order; raises SoldOut (roll back the transaction) if they are not there."""
    taken = await _execute(
        session,
        sa.update(SKU)
        .where(SKU.c.id == units.sku_id, SKU.c.stock >= units.quantity)
        .values(stock=SKU.c.stock - units.quantity),
    )
    if taken != 1:
        raise SoldOut(
            f"only fewer than {units.quantity} unit(s) of SKU {units.sku_id} are left", extra={"sku_id": units.sku_id}
        )
    held = await _hold(session, session_id, units, limited_quantity)
    if held != 1:  # the session's first reservation of this SKU, or its live quantity is gone
        await _ensure_counter(session, session_id, units.sku_id)
        held = await _hold(session, session_id, units, limited_quantity)
    if held != 1:
        raise SoldOut(
            f"the live quantity of SKU {units.sku_id} ({limited_quantity}) is sold out", extra={"sku_id": units.sku_id}
        )


async def _hold(session: AsyncSession, session_id: str, units: Units, limited_quantity: int | None) -> int:
    where = [CTR.c.session_id == session_id, CTR.c.sku_id == units.sku_id]
    if limited_quantity is not None:
        where.append(CTR.c.reserved_units + CTR.c.sold_units + units.quantity <= limited_quantity)
    return await _execute(
        session, sa.update(CTR).where(*where).values(reserved_units=CTR.c.reserved_units + units.quantity)
    )


async def release(session: AsyncSession, session_id: str, units: Units) -> None:
    """Give held units back (expired, cancelled or failed payment)."""
    await _execute(session, sa.update(SKU).where(SKU.c.id == units.sku_id).values(stock=SKU.c.stock + units.quantity))
    moved = await _execute(
        session,
        sa.update(CTR)
        .where(
            CTR.c.session_id == session_id,
            CTR.c.sku_id == units.sku_id,
            CTR.c.reserved_units >= units.quantity,
        )
        .values(reserved_units=CTR.c.reserved_units - units.quantity),
    )
    _conserved(moved, units)


async def settle(session: AsyncSession, session_id: str, units: Units) -> None:
    """Paid: held units become sold."""
    moved = await _execute(
        session,
        sa.update(CTR)
        .where(
            CTR.c.session_id == session_id,
            CTR.c.sku_id == units.sku_id,
            CTR.c.reserved_units >= units.quantity,
        )
        .values(reserved_units=CTR.c.reserved_units - units.quantity, sold_units=CTR.c.sold_units + units.quantity),
    )
    _conserved(moved, units)


def _conserved(moved: int, units: Units) -> None:
    if moved != 1:  # the counters lost track of held units: stop rather than invent or lose stock
        raise RuntimeError(f"stock counters disagree with the order for SKU {units.sku_id}")


async def snapshot(session: AsyncSession, session_id: str, sku_id: str) -> tuple[int, int]:
    """(units still available to buy in this session, units sold in this session)."""
    stmt = (
        sa.select(SKU.c.stock, CTR.c.reserved_units, CTR.c.sold_units, col(LineupItem.limited_quantity))
        .select_from(SKU)
        .outerjoin(CTR, sa.and_(CTR.c.sku_id == SKU.c.id, CTR.c.session_id == session_id))
        .outerjoin(LineupItem, sa.and_(col(LineupItem.sku_id) == SKU.c.id, col(LineupItem.session_id) == session_id))
        .where(SKU.c.id == sku_id)
    )
    row = (await session.execute(stmt)).one()
    stock, reserved, sold, limit = row[0], row[1] or 0, row[2] or 0, row[3]
    if limit is not None:
        stock = min(stock, max(0, limit - reserved - sold))
    return stock, sold


async def announce(session: AsyncSession, session_id: str, sku_ids: list[str]) -> None:
    """StockChanged for each SKU, in the caller's transaction (the live room shows it)."""
    for sku_id in sorted(set(sku_ids)):
        stock, sold = await snapshot(session, session_id, sku_id)
        emit(session, StockChanged(session_id=session_id, sku_id=sku_id, stock=stock, sold=sold), session_id)
