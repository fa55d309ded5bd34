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
from server.kernel.clock import utcnow
from server.kernel.contracts import StockChanged
from server.kernel.db import is_postgres
from server.kernel.ids import new_id
from server.kernel.outbox import OutboxEvent, emit
from server.kernel.problems import Conflict

NO_SYNC = {"synchronize_session": False}
SKU, CTR = Sku.__table__, StockCounter.__table__  # type: ignore[attr-defined]
OUTBOX = OutboxEvent.__table__  # type: ignore[attr-defined]


class SoldOut(Conflict):
    slug, title = "sold-out", "Not enough stock left"


@dataclass(frozen=True)
class Units:
    sku_id: str
    quantity: int


@dataclass(frozen=True)
class Level:
    """A SKU's units in a session as a change left them: available to buy (the live quantity
    applied), held by unpaid orders, sold."""

    available: int
    held: int
    sold: int

    @classmethod
    def of(cls, stock: int, held: int, sold: int, limited_quantity: int | None) -> Level:
        if limited_quantity is not None:
            stock = min(stock, max(0, limited_quantity - held - sold))
        return cls(stock, held, sold)


async def _execute(session: AsyncSession, stmt: sa.Executable) -> int:
    result: Any = await session.execute(stmt, execution_options=NO_SYNC)
    return int(result.rowcount)


async def _ensure_counter(session: AsyncSession, session_id: str, sku_id: str) -> None:
    insert = pg_insert if is_postgres(session) else sqlite_insert
    stmt = insert(CTR).values(session_id=session_id, sku_id=sku_id, reserved_units=0, sold_units=0)
    await session.execute(stmt.on_conflict_do_nothing())


async def reserve(
    session: AsyncSession, session_id: str, units: Units, limited_quantity: int | None, announce: bool = False
) -> Level:
    """Hold `units` for an unpaid order; raises SoldOut (roll back the transaction) if they are not there.

    Returns the level the reservation left, read back by the two UPDATEs themselves (RETURNING): the
    SKU's row lock is held from the first of them to the commit, so whatever the caller still checks
    or announces must cost no further round trip while every other buyer of the SKU waits. With
    `announce`, the SKU's StockChanged is written too: on PostgreSQL by that same statement (so the
    commit is the only round trip left under the lock), elsewhere by `emit` after it."""
    if is_postgres(session):  # both UPDATEs (and the event) in one statement
        left, counted = await _take_in_one(session, session_id, units, limited_quantity, announce)
        announce = announce and counted is None  # the statement wrote no event: the slow path does
    else:
        left, counted = await _take_sku(session, units), None
    if left is None:
        raise SoldOut(
            f"only fewer than {units.quantity} unit(s) of SKU {units.sku_id} are left", extra={"sku_id": units.sku_id}
        )
    if counted is None:
        counted = await _hold(session, session_id, units, limited_quantity)
    if counted is None:  # the session's first reservation of this SKU, or its live quantity is gone
        await _ensure_counter(session, session_id, units.sku_id)
        counted = await _hold(session, session_id, units, limited_quantity)
    if counted is None:
        raise SoldOut(
            f"the live quantity of SKU {units.sku_id} ({limited_quantity}) is sold out", extra={"sku_id": units.sku_id}
        )
    level = Level.of(int(left), int(counted[0]), int(counted[1]), limited_quantity)
    if announce:
        _emit_level(session, session_id, units.sku_id, level)
    return level


def _emit_level(session: AsyncSession, session_id: str, sku_id: str, level: Level) -> None:
    emit(
        session, StockChanged(session_id=session_id, sku_id=sku_id, stock=level.available, sold=level.sold), session_id
    )


async def commit_without_waiting_for_disk(session: AsyncSession) -> None:
    """PostgreSQL: this transaction's COMMIT returns (and frees the SKU's row lock for the next buyer)
    without waiting for its WAL to reach the disk — the disk flush was most of a winner's time under
    the lock. For an unpaid reservation only: a database crash in the next fraction of a second can
    lose it whole (the order, its held units and its event together, never one without the other),
    and the buyer has paid nothing yet. Payments, refunds and the ledger keep synchronous commits."""
    if is_postgres(session):
        await session.execute(sa.text("SET LOCAL synchronous_commit TO OFF"))


def _take_sku_stmt(units: Units) -> Any:
    return (
        sa.update(SKU)
        .where(SKU.c.id == units.sku_id, SKU.c.stock >= units.quantity)
        .values(stock=SKU.c.stock - units.quantity)
        .returning(SKU.c.stock)
    )


async def _take_sku(session: AsyncSession, units: Units) -> int | None:
    row = await _returning(session, _take_sku_stmt(units))
    return None if row is None else int(row[0])


def _hold_stmt(session_id: str, units: Units, limited_quantity: int | None, *also: Any) -> Any:
    where = [CTR.c.session_id == session_id, CTR.c.sku_id == units.sku_id, *also]
    if limited_quantity is not None:
        where.append(CTR.c.reserved_units + CTR.c.sold_units + units.quantity <= limited_quantity)
    return (
        sa.update(CTR)
        .where(*where)
        .values(reserved_units=CTR.c.reserved_units + units.quantity)
        .returning(CTR.c.reserved_units, CTR.c.sold_units)
    )


async def _take_in_one(
    session: AsyncSession, session_id: str, units: Units, limited_quantity: int | None, announce: bool
) -> tuple[int | None, Any]:
    """PostgreSQL: the SKU's UPDATE and, only if it took the units, the counter's — and with
    `announce` the StockChanged row built from what they returned — as one statement
    (data-modifying CTEs; the counter's WHERE reads the SKU's result, so the SKU row is locked
    first, as everywhere). Returns (stock left or None, (held, sold) or None when the counter did
    not move, in which case no event was written either)."""
    taken = _take_sku_stmt(units).cte("taken")
    held = _hold_stmt(session_id, units, limited_quantity, sa.exists(sa.select(taken.c.stock))).cte("held")
    columns = [
        sa.select(taken.c.stock).scalar_subquery(),
        sa.select(held.c.reserved_units).scalar_subquery(),
        sa.select(held.c.sold_units).scalar_subquery(),
    ]
    if announce:
        columns.append(
            sa.select(_event_insert(session_id, units.sku_id, limited_quantity, taken, held)).scalar_subquery()
        )
    left, reserved, sold, *_ = (await session.execute(sa.select(*columns))).one()
    return left, None if reserved is None else (reserved, sold)


def _event_insert(session_id: str, sku_id: str, limited_quantity: int | None, taken: Any, held: Any) -> Any:
    """The StockChanged outbox row, as `emit` would write it (a test compares the two), from the
    CTEs' results; its id, for the statement to reference it (an unreferenced CTE is not sent)."""
    available: Any = taken.c.stock
    if limited_quantity is not None:
        room = limited_quantity - held.c.reserved_units - held.c.sold_units
        available = sa.func.least(available, sa.func.greatest(0, room))
    payload = sa.func.json_build_object(
        "session_id", session_id, "sku_id", sku_id, "stock", available, "sold", held.c.sold_units
    )
    values = sa.select(
        sa.literal(new_id("evt")),
        sa.literal(StockChanged.TOPIC),
        sa.literal(session_id),
        payload,
        sa.literal(StockChanged.VERSION),
        sa.literal(utcnow(), sa.DateTime(timezone=True)),
    ).select_from(taken.join(held, sa.true()))
    names = ["id", "topic", "aggregate_id", "payload", "version", "created_at"]
    inserted = sa.insert(OUTBOX).from_select(names, values).returning(OUTBOX.c.id).cte("announced")
    return inserted.c.id


async def _returning(session: AsyncSession, stmt: sa.Executable) -> Any:
    """The one row an UPDATE … RETURNING changed, or None."""
    result: Any = await session.execute(stmt, execution_options=NO_SYNC)
    return result.first()


async def _hold(session: AsyncSession, session_id: str, units: Units, limited_quantity: int | None) -> Any:
    return await _returning(session, _hold_stmt(session_id, units, limited_quantity))


def _still_held(session_id: str, units: Units) -> Any:
    """An update of the session's counter row only while it holds `units` (0 rows otherwise: `_conserved`)."""
    return sa.update(CTR).where(
        CTR.c.session_id == session_id, CTR.c.sku_id == units.sku_id, CTR.c.reserved_units >= units.quantity
    )


async def release(session: AsyncSession, session_id: str, units: Units) -> None:
    """Give held units back (expired, cancelled or failed payment)."""
    await _execute(session, sa.update(SKU).where(SKU.c.id == units.sku_id).values(stock=SKU.c.stock + units.quantity))
    moved = await _execute(
        session, _still_held(session_id, units).values(reserved_units=CTR.c.reserved_units - units.quantity)
    )
    _conserved(moved, units)


async def settle(session: AsyncSession, session_id: str, units: Units) -> None:
    """Paid: held units become sold."""
    moved = await _execute(
        session,
        _still_held(session_id, units).values(
            reserved_units=CTR.c.reserved_units - units.quantity, sold_units=CTR.c.sold_units + units.quantity
        ),
    )
    _conserved(moved, units)


def _conserved(moved: int, units: Units) -> None:
    if moved != 1:  # the counters lost track of held units: stop rather than invent or lose stock
        raise RuntimeError(f"stock counters disagree with the order for SKU {units.sku_id}")


async def level(session: AsyncSession, session_id: str, sku_id: str) -> Level:
    """The SKU's level in this session, read."""
    stmt = (
        sa.select(SKU.c.stock, CTR.c.reserved_units, CTR.c.sold_units, col(LineupItem.limited_quantity))
        .select_from(SKU)
        .outerjoin(CTR, sa.and_(CTR.c.sku_id == SKU.c.id, CTR.c.session_id == session_id))
        .outerjoin(LineupItem, sa.and_(col(LineupItem.sku_id) == SKU.c.id, col(LineupItem.session_id) == session_id))
        .where(SKU.c.id == sku_id)
    )
    stock, held, sold, limit = (await session.execute(stmt)).one()
    return Level.of(int(stock), int(held or 0), int(sold or 0), limit)


async def snapshot(session: AsyncSession, session_id: str, sku_id: str) -> tuple[int, int]:
    """(units still available to buy in this session, units sold in this session)."""
    found = await level(session, session_id, sku_id)
    return found.available, found.sold


async def announce(session: AsyncSession, session_id: str, sku_ids: list[str]) -> None:
    """StockChanged for each SKU, in the caller's transaction (the live room shows it)."""
    for sku_id in sorted(set(sku_ids)):
        _emit_level(session, session_id, sku_id, await level(session, session_id, sku_id))
