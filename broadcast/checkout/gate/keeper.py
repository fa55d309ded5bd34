"""The gate as checkout uses it: ask, and on a missing gate rebuild it from the database under a
short lock; give back; and the periodic reconcile pass.

Why it cannot oversell: the gate only decides who may *try*; every admitted checkout still goes
through `stock.reserve`'s conditional UPDATE and the buyer-limit query in its transaction. Why it
converges: a gate above the database (a lost give-back undone by a crash, a late payment or a
group-buy seat that took units without the gate, garbage) is clamped at the next pass; a gate below
it (a take whose give-back was lost) is raised at the first pass that saw no take or give since the
one before — a checkout is between gate and database for milliseconds, a pass is seconds apart."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import structlog
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout.gate import counts
from broadcast.checkout.gate.port import Answer, GateUnavailable, Line, StockGate, Verdict

log = structlog.get_logger("checkout.gate")


class GateKeeper:
    def __init__(self, gate: StockGate, maker: async_sessionmaker[AsyncSession]) -> None:
        self.gate = gate
        self.maker = maker
        self._seen: dict[str, int] = {}  # reconcile: each session's seq at the previous pass
        self._tasks: set[asyncio.Task[bool]] = set()

    async def ask(self, session_id: str, visitor_id: str, key: str, lines: Sequence[Line] = ()) -> Answer:
        """Take `lines` (or probe, with none). UNKNOWN when the gate cannot answer: the database decides."""
        try:
            answer = await self.gate.take(session_id, visitor_id, key, lines)
            if answer.verdict is Verdict.MISSING and await self.rebuild(session_id):
                answer = await self.gate.take(session_id, visitor_id, key, lines)
        except GateUnavailable as exc:
            log.warning("stock gate unavailable", error=str(exc))
            return Answer(Verdict.UNKNOWN)
        return Answer(Verdict.UNKNOWN) if answer.verdict is Verdict.MISSING else answer

    async def give(self, session_id: str, visitor_id: str, key: str, lines: Sequence[Line]) -> bool:
        try:
            return await self.gate.give(session_id, visitor_id, key, lines)
        except GateUnavailable as exc:  # the reconcile pass raises the gate back later
            log.warning("stock gate give-back lost", error=str(exc), session_id=session_id)
            return False

    def give_soon(self, session_id: str, visitor_id: str, key: str, lines: Sequence[Line]) -> None:
        """From synchronous code on the event loop (after a commit): give back in a task."""
        task = asyncio.get_running_loop().create_task(self.give(session_id, visitor_id, key, lines))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def settled(self) -> None:
        """Wait for the give-backs in flight (shutdown, tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def rebuild(self, session_id: str) -> bool:
        """The session's gate from the database's counts; False if another worker is at it (or it
        does not sell now) — the caller lets the database decide this once."""
        if not await self.gate.lock(session_id):
            return False
        try:
            async with self.maker() as db:
                stock = await counts.gate_stock(db, session_id)
            if stock is None:  # not (or no longer) selling: no gate to keep
                await self.gate.drop(session_id)
                return False
            await self.gate.load(session_id, stock)
            self._seen.pop(session_id, None)
            log.info("stock gate built", session_id=session_id, skus=len(stock.left))
            return True
        finally:
            await self.gate.unlock(session_id)

    async def reconcile(self) -> int:
        """One pass over every built session; returns the SKUs whose count was corrected."""
        changed = 0
        for session_id in await self.gate.sessions():
            changed += await self._reconcile_one(session_id)
        return changed

    async def _reconcile_one(self, session_id: str) -> int:
        async with self.maker() as db:
            left = await counts.selling_units_left(db, session_id)
        if left is None:  # ended or cancelled: nothing sells, the gate goes
            await self.gate.drop(session_id)
            return 0
        seq, changed = await self.gate.reconcile(session_id, left, self._seen.get(session_id))
        if seq < 0:
            await self.rebuild(session_id)
            return len(left)
        self._seen[session_id] = seq
        if changed:
            log.info("stock gate reconciled", session_id=session_id, skus_changed=changed)
        return changed
