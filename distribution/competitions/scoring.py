"""`OrderPaid` / `OrderRefunded` → the competitions' own order rows and their live boards; a refund
after a close, under `adjust_bonus`, recomputes the percentage bonus (see `adjust.py`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from distribution.competitions.adjust import adjust_after_close
from distribution.competitions.board import LeaderboardStore
from distribution.competitions.counting import announce, move, open_competitions_of, score_deltas
from distribution.competitions.models import OrderFlag, PkOrder
from distribution.competitions.ranking import CountedOrder
from server.kernel.clock import as_utc, utcnow
from server.kernel.outbox import OutboxEvent, batched


def _time(value: object) -> datetime:
    try:
        return as_utc(datetime.fromisoformat(str(value)))
    except ValueError:
        return utcnow()


def counted(order: PkOrder) -> CountedOrder:
    return CountedOrder(order.order_id, order.partner_id, order.amount_minor, order.refunded_minor)


async def is_flagged(session: AsyncSession, order_id: str) -> bool:
    return await session.get(OrderFlag, order_id) is not None


def _pk_order(payload: dict[str, Any]) -> PkOrder:
    attribution = payload.get("attribution") or {}
    return PkOrder(
        order_id=payload["order_id"],
        brand_id=payload["brand_id"],
        session_id=payload.get("session_id"),
        partner_id=attribution["partner_id"],
        currency=str(payload["currency"]).upper(),
        amount_minor=int(payload["amount_minor"]),
        self_referral=bool(attribution.get("self_referral")),
        paid_at=_time(payload.get("paid_at")),
    )


async def _new_orders(session: AsyncSession, payloads: Sequence[dict[str, Any]]) -> list[PkOrder]:
    """The attributed orders not recorded yet, added to the session (one read for the batch)."""
    attributed = {p["order_id"]: p for p in payloads if (p.get("attribution") or {}).get("partner_id")}
    if not attributed:
        return []
    seen = set((await session.exec(select(PkOrder.order_id).where(col(PkOrder.order_id).in_(list(attributed))))).all())
    orders = [_pk_order(p) for order_id, p in attributed.items() if order_id not in seen]
    session.add_all(orders)
    return orders


async def on_orders_paid(
    session: AsyncSession, events: Sequence[OutboxEvent], *, leaderboard: LeaderboardStore | None
) -> None:
    """A batch: the orders' rows, then each open board moved by one increment per entrant, and
    the boards touched change once each. The Redis increments come last, after everything that
    could fail on bad input, so a batch that falls back to one by one has not moved a board yet."""
    orders = await _new_orders(session, [event.payload for event in events])
    flag_q = select(OrderFlag.order_id).where(col(OrderFlag.order_id).in_([o.order_id for o in orders]))
    flagged = set((await session.exec(flag_q)).all()) if orders else set()
    counting = [o for o in orders if o.order_id not in flagged and not o.self_referral]
    found = await open_competitions_of(session, counting)
    deltas: dict[tuple[str, str], int] = {}
    for order in counting:
        for (competition_id, key), delta in score_deltas(found[order.order_id], order, None, counted(order)).items():
            deltas[(competition_id, key)] = deltas.get((competition_id, key), 0) + delta
    for competition_id in sorted({c for c, _ in deltas}):
        await announce(session, competition_id)
    await session.flush()
    if leaderboard is not None:
        for (competition_id, key), delta in deltas.items():
            if delta:
                await leaderboard.incr(competition_id, key, delta)


@batched(on_orders_paid)
async def on_order_paid(session: AsyncSession, event: OutboxEvent, *, leaderboard: LeaderboardStore | None) -> None:
    await on_orders_paid(session, [event], leaderboard=leaderboard)


async def on_order_refunded(session: AsyncSession, event: OutboxEvent, *, leaderboard: LeaderboardStore | None) -> None:
    payload = event.payload
    order = await session.get(PkOrder, payload["order_id"], with_for_update=True)
    if order is None:
        return
    total = payload.get("refunded_total_minor")
    refunded = int(total) if total is not None else order.refunded_minor + int(payload["amount_minor"])
    before = counted(order)
    order.refunded_minor = min(order.amount_minor, max(order.refunded_minor, refunded))
    session.add(order)
    if not await is_flagged(session, order.order_id):
        await move(session, order, before, counted(order), leaderboard)
    await adjust_after_close(session, order, str(payload["refund_id"]))
