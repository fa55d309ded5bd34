"""Which plan version pays a partner on a SKU at a moment: the pure half of plan resolution.

A plan's version in force is its latest one whose `effective_at` has passed (a scheduled decrease
is a version not yet in force). A running exclusive plan wins its SKU: its partner earns its rate,
every other partner earns nothing there. Then a targeted plan naming the partner, then the open
plan; a SKU's own plan before the whole shop's. No plan: the caller falls back to its rules."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from commission.models.plans import PlanKind
from commission.splits import Rate
from server.kernel.clock import as_utc


def plan_source(version: Any) -> str:
    """What a split line names as its 'why': kind, plan and version."""
    return f"plan_{version.kind}:{version.plan_id}@v{version.version}"


def in_force(versions: Iterable[Any], at: datetime) -> list[Any]:
    """Each plan's latest version already in effect at `at`."""
    latest: dict[str, Any] = {}
    for v in versions:
        if as_utc(v.effective_at) <= at and (v.plan_id not in latest or v.version > latest[v.plan_id].version):
            latest[v.plan_id] = v
    return list(latest.values())


def running(version: Any, at: datetime) -> bool:
    starts = version.starts_at is None or as_utc(version.starts_at) <= at
    return starts and (version.ends_at is None or at < as_utc(version.ends_at))


def _pick(candidates: Sequence[Any], sku_id: str) -> Any | None:
    """The SKU's own plan before the whole shop's."""
    own = [v for v in candidates if v.sku_id == sku_id]
    return (own or [v for v in candidates if v.sku_id is None] or [None])[0]


def plan_rate(
    versions: Sequence[Any], partner_id: str, sku_id: str, at: datetime, order_number: int = 1
) -> Rate | None:
    """The rate `partner_id` earns on `sku_id` at `at` under the brand's plans, or None (no plan)."""
    live = [v for v in in_force(versions, at) if v.sku_id in (sku_id, None) and running(v, at)]
    exclusive = _pick([v for v in live if v.kind == PlanKind.EXCLUSIVE], sku_id)
    if exclusive is not None:
        paid = partner_id in exclusive.partner_ids
        return Rate(repeat_bps(exclusive, order_number) if paid else Decimal(0), plan_source(exclusive))
    targeted = _pick([v for v in live if v.kind == PlanKind.TARGETED and partner_id in v.partner_ids], sku_id)
    chosen = targeted or _pick([v for v in live if v.kind == PlanKind.OPEN], sku_id)
    return None if chosen is None else Rate(repeat_bps(chosen, order_number), plan_source(chosen))


def repeat_bps(version: Any, order_number: int) -> Decimal:
    """The plan's rate for a bound customer's `order_number`-th order (1 = the first)."""
    if order_number < 2 or version.repeat_rate_bps is None:
        return Decimal(version.rate_bps)
    if version.repeat_max_orders is not None and order_number > version.repeat_max_orders:
        return Decimal(0)
    rate = Decimal(version.repeat_rate_bps) - Decimal(version.repeat_decay_bps or 0) * (order_number - 2)
    return max(rate, Decimal(version.repeat_floor_bps or 0))
