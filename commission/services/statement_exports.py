"""Statement exports as background jobs, for ranges too large to stream in one request.

`POST …/statement-exports` claims a row and returns (202); a task on the worker's event loop
writes the CSV the way the direct export streams it (`stream_csv`: one page of lines in memory at
a time) into parts of about a megabyte, each part committed with the row's progress and heartbeat.
The page follows the row and then downloads the file, which is streamed back a part at a time.
An export whose worker stopped (no heartbeat for `STALE_AFTER`) is marked interrupted when next
looked at; old exports are dropped when a new one starts."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
import structlog
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from commission.models import LedgerAccount, LedgerDailyTotal, StatementExport, StatementExportPart
from commission.services.reports_service import ReportsService, stream_csv
from server.kernel.clock import utcnow
from server.kernel.ids import new_id
from server.kernel.problems import Conflict, InvalidInput, NotFound

log = structlog.get_logger("statement.exports")
PART_BYTES = 1 << 20
PAGE_LINES = 2000  # lines read per query (what a worker holds besides the part being filled)
STALE_AFTER = timedelta(seconds=60)
KEEP_FOR = timedelta(days=2)
STATE_KEY = "statement_exports"
INTERRUPTED = "its worker stopped while writing: start the export again"
DIRECT_MAX_LINES = 20_000  # `statement.csv` streams up to this many lines; more go through a job


class ExportNotReady(Conflict):
    slug, title = "export-not-ready", "The export has not finished"


class ExportTooLarge(InvalidInput):
    slug, title = "export-too-large", "This range is too large to download at once"


async def ensure_direct(
    session: AsyncSession, owner_type: str, owner_id: str, since: datetime, until: datetime
) -> None:
    """422 when the period holds more lines than one request should stream: export it instead."""
    lines = await expected_lines(session, owner_type, owner_id, since, until)
    if lines > DIRECT_MAX_LINES:
        url = f"/api/v1/{owner_type}s/{owner_id}/statement-exports"
        raise ExportTooLarge(
            f"the period holds about {lines:,} lines, more than {DIRECT_MAX_LINES:,} download at once: "
            f"POST {url} with since and until to export it in the background",
            extra={"lines_expected": lines, "export_url": url, "errors": [{"field": "since", "message": "too large"}]},
        )


async def expected_lines(
    session: AsyncSession, owner_type: str, owner_id: str, since: datetime, until: datetime
) -> int:
    """The owner's entries in the days the period touches, from the kept daily totals (an upper
    bound: a partial first or last day counts whole) — cheap whatever the ledger's size."""
    stmt = (
        sa.select(sa.func.coalesce(sa.func.sum(LedgerDailyTotal.entry_count), 0))
        .join(LedgerAccount, col(LedgerAccount.id) == col(LedgerDailyTotal.account_id))
        .where(
            col(LedgerAccount.owner_type) == owner_type,
            col(LedgerAccount.owner_id) == owner_id,
            col(LedgerDailyTotal.day) >= since.date(),
            col(LedgerDailyTotal.day) <= until.date(),
        )
    )
    return int((await session.execute(stmt)).scalar_one())


async def start_export(
    maker: async_sessionmaker[AsyncSession],
    owner_type: str,
    owner_id: str,
    since: datetime,
    until: datetime,
    created_by: str | None,
) -> StatementExport:
    async with maker() as session:
        await _drop_old(session)
        export = StatementExport(
            id=new_id("sxp"),
            owner_type=owner_type,
            owner_id=owner_id,
            since=since,
            until=until,
            lines_expected=await expected_lines(session, owner_type, owner_id, since, until),
            created_by=created_by,
        )
        session.add(export)
        await session.commit()
        await session.refresh(export)
        return export


async def _drop_old(session: AsyncSession) -> None:
    old = sa.select(col(StatementExport.id)).where(col(StatementExport.created_at) < utcnow() - KEEP_FOR)
    await session.execute(sa.delete(StatementExportPart).where(col(StatementExportPart.export_id).in_(old)))
    await session.execute(sa.delete(StatementExport).where(col(StatementExport.created_at) < utcnow() - KEEP_FOR))


async def get_export(session: AsyncSession, owner_type: str, owner_id: str, export_id: str) -> StatementExport:
    """The owner's export (404 for anyone else's); a running one whose worker stopped beating is
    marked interrupted first."""
    export = await session.get(StatementExport, export_id)
    if export is None or (export.owner_type, export.owner_id) != (owner_type, owner_id):
        raise NotFound.of("statement export", export_id)
    if export.state == "running" and export.heartbeat_at < utcnow() - STALE_AFTER:
        export.state, export.error, export.finished_at = "interrupted", INTERRUPTED, utcnow()
        session.add(export)
        await session.commit()
        await session.refresh(export)
    return export


def ensure_finished(export: StatementExport) -> StatementExport:
    if export.state != "finished":
        raise ExportNotReady(f"statement export {export.id} is {export.state}: follow it until it is finished")
    return export


def export_parts(maker: async_sessionmaker[AsyncSession], export: StatementExport) -> AsyncIterator[str]:
    """The finished file, read back one part per query (a worker never holds the whole file). Its
    id and part count are taken now: the request's session, and its row, are gone while it streams."""
    return _parts(maker, export.id, export.parts)


async def _parts(maker: async_sessionmaker[AsyncSession], export_id: str, parts: int) -> AsyncIterator[str]:
    for seq in range(parts):
        async with maker() as session:
            part = await session.get(StatementExportPart, (export_id, seq))
        if part is not None:
            yield part.data


async def _csv_of(maker: async_sessionmaker[AsyncSession], export: StatementExport) -> AsyncIterator[str]:
    async with maker() as session:  # a partner's balance rows at either end; a brand's has none
        head, tail = await ReportsService(session).statement_rows(
            export.owner_type, export.owner_id, export.since, export.until
        )
    async for chunk in stream_csv(
        maker, export.owner_type, export.owner_id, export.since, export.until, head, tail, PAGE_LINES
    ):
        yield chunk


async def write_export(maker: async_sessionmaker[AsyncSession], export: StatementExport) -> None:
    """Write the CSV in parts of about `PART_BYTES`, each committed with the progress."""
    pending: list[str] = []
    seq = size = 0
    async for chunk in _csv_of(maker, export):
        pending.append(chunk)
        size += len(chunk)
        if size >= PART_BYTES:
            await _write_part(maker, export.id, seq, pending)
            seq, size, pending = seq + 1, 0, []
    if pending or seq == 0:
        await _write_part(maker, export.id, seq, pending)
        seq += 1
    await _finish(maker, export.id, "finished", parts=seq)


async def _write_part(maker: async_sessionmaker[AsyncSession], export_id: str, seq: int, chunks: list[str]) -> None:
    data = "".join(chunks)
    async with maker() as session:
        session.add(StatementExportPart(export_id=export_id, seq=seq, data=data))
        await session.execute(
            sa.update(StatementExport)
            .where(col(StatementExport.id) == export_id)
            .values(
                lines_done=StatementExport.lines_done + data.count("\n"),
                size_bytes=StatementExport.size_bytes + len(data.encode()),
                parts=seq + 1,
                heartbeat_at=utcnow(),
            )
        )
        await session.commit()


async def _finish(
    maker: async_sessionmaker[AsyncSession], export_id: str, state: str, parts: int | None = None, error: str = ""
) -> None:
    values: dict[str, Any] = {"state": state, "finished_at": utcnow(), "heartbeat_at": utcnow()}
    if parts is not None:
        values["parts"] = parts
    if error:
        values["error"] = error[:500]
    async with maker() as session:
        await session.execute(sa.update(StatementExport).where(col(StatementExport.id) == export_id).values(**values))
        await session.commit()


class StatementExports:
    """The export tasks of this worker."""

    def __init__(self, maker: async_sessionmaker[AsyncSession]) -> None:
        self.maker = maker
        self.tasks: set[asyncio.Task[None]] = set()

    def launch(self, export: StatementExport) -> None:
        task = asyncio.create_task(self._run(export), name=f"statement-export:{export.id}")
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _run(self, export: StatementExport) -> None:
        try:
            await write_export(self.maker, export)
        except asyncio.CancelledError:
            await asyncio.shield(_finish(self.maker, export.id, "interrupted", error=INTERRUPTED))
            raise
        except Exception as exc:  # reported on the export, where the page looks; the log has the stack
            log.exception("statement export failed", export_id=export.id)
            await _finish(self.maker, export.id, "failed", error=f"{type(exc).__name__}: {exc}")

    async def stop(self) -> None:
        """Cancel what is still writing (marked interrupted: a new export starts over)."""
        here = asyncio.get_running_loop()
        mine = {t for t in self.tasks if t.get_loop() is here}
        for task in self.tasks:
            if task in mine:
                task.cancel()
            elif not task.get_loop().is_closed():
                task.get_loop().call_soon_threadsafe(task.cancel)
        if mine:
            await asyncio.wait(mine, timeout=5)


def exports_of(state: Any) -> StatementExports:
    runner = state.get(STATE_KEY) if hasattr(state, "get") else None
    if runner is None:
        runner = StatementExports(state.sessionmaker)
        state[STATE_KEY] = runner
    return runner


@contextlib.asynccontextmanager
async def statement_exports_lifespan(app: Any) -> AsyncIterator[None]:
    runner = exports_of(app.state)
    try:
        yield
    finally:
        await runner.stop()
