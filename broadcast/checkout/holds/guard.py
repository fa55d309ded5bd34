"""Open unpaid orders per holder: at most `per_holder` per session for one client address, and as
many for one visitor (a fresh `zx_vid` cookie per request dodges the second, not the first).

Race-safe without a counter to keep in step: the order is inserted first, then the holders' names
are locked for the rest of the transaction (`server.kernel.xact_lock`), then the open holds are
counted — so of any number of concurrent checkouts from one address exactly `per_holder` commit.
A hold past its `reserved_until` no longer counts (the sweeper is about to close it). A cheap
unlocked count before anything is written turns most of a flood away without a write."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout.holds.hints import ShareHints
from broadcast.checkout.holds.problems import HoldsExhausted, exhausted
from broadcast.checkout.holds.share import check_share
from broadcast.checkout.models import Order
from broadcast.checkout.states import UNPAID
from broadcast.checkout.stock import Level
from server.kernel.clock import utcnow
from server.kernel.xact_lock import lock_names


@dataclass(frozen=True)
class HoldGuard:
    client_address: str | None = None
    per_holder: int = 0  # open unpaid orders per session per address and per visitor; 0 = no cap
    hints: ShareHints = field(default_factory=ShareHints)  # the worker's, shared by its requests

    async def before_write(
        self, session: AsyncSession, session_id: str, visitor_id: str, sku_ids: Sequence[str] = ()
    ) -> None:
        """The early answers (unlocked): refuse before the gate takes units or a row is written."""
        for sku_id in sku_ids:
            hint = self.hints.full(session_id, sku_id)
            if hint is not None:
                raise exhausted(
                    f"unpaid orders already hold the most of SKU {sku_id} they may (at most {hint.limit} units "
                    "at once): retry when the oldest hold lapses",
                    hint.retry_at,
                    scope="sku-share",
                    sku_id=sku_id,
                    limit=hint.limit,
                )
        await self._check(session, session_id, visitor_id, own_order_id=None)

    async def check_share(
        self, session: AsyncSession, session_id: str, sku_id: str, bps: int, quantity: int, level: Level | None = None
    ) -> None:
        """`share.check_share`, remembering a full share for the next requests of this worker."""
        try:
            await check_share(session, session_id, sku_id, bps, quantity, level)
        except HoldsExhausted as refused:
            extra = refused.extra if isinstance(refused.extra, dict) else {}
            self.hints.note(session_id, sku_id, datetime.fromisoformat(extra["retry_after"]), int(extra["limit"]))
            raise

    def stamp(self, order: Order) -> None:
        order.client_address = self.client_address

    async def lock_holders(self, session: AsyncSession, session_id: str, visitor_id: str) -> None:
        """Lock the holders' names to the end of the transaction (PostgreSQL; again is a no-op). A
        caller that takes other row locks first (a group's seat row) takes these before them."""
        if not self.per_holder:
            return
        names = [f"holds:{session_id}:visitor:{visitor_id}"]
        if self.client_address:
            names.append(f"holds:{session_id}:client:{self.client_address}")
        await lock_names(session, *names)

    async def after_insert(self, session: AsyncSession, order: Order) -> None:
        """The guard: `order` is flushed; lock the holders' names, count the others' open holds."""
        await self.lock_holders(session, order.session_id, order.visitor_id)
        await self._check(session, order.session_id, order.visitor_id, own_order_id=order.id)

    async def _check(self, session: AsyncSession, session_id: str, visitor_id: str, own_order_id: str | None) -> None:
        if not self.per_holder:
            return
        holders = [("visitor", col(Order.visitor_id) == visitor_id)]
        if self.client_address:
            holders.insert(0, ("client", col(Order.client_address) == self.client_address))
        for scope, holder in holders:
            count, oldest = await _open_holds(session, session_id, holder, own_order_id)
            if count >= self.per_holder and oldest is not None:
                who = "this network address" if scope == "client" else "this viewer"
                raise exhausted(
                    f"{who} already holds {count} unpaid order(s) in this session (at most {self.per_holder}): "
                    "pay or cancel one, or retry when the oldest hold lapses",
                    oldest,
                    scope=scope,
                    limit=self.per_holder,
                )


async def _open_holds(
    session: AsyncSession, session_id: str, holder: sa.ColumnElement[bool], own_order_id: str | None
) -> tuple[int, datetime | None]:
    """(open unpaid orders of the holder in the session, the earliest `reserved_until` among them)."""
    stmt = sa.select(sa.func.count(), sa.func.min(col(Order.reserved_until))).where(
        col(Order.session_id) == session_id,
        holder,
        col(Order.state).in_([s.value for s in UNPAID]),
        col(Order.reserved_until) > utcnow(),
    )
    if own_order_id is not None:
        stmt = stmt.where(col(Order.id) != own_order_id)
    count, oldest = (await session.execute(stmt)).one()
    return int(count), oldest
