"""Top SKUs: units, orders, buyers and GMV net of refunds per SKU, and what each pin sold —
buyers of the SKU paid while it was pinned, against the peak online viewers in that time."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from broadcast.checkout.models import Order, OrderLine
from broadcast.models import PinEvent
from server.dashboard.minutes import floor_minute
from server.dashboard.models import SessionMinute
from server.dashboard.schemas import SkuRow
from server.kernel.clock import as_utc
from server.kernel.money import split_exact


@dataclass
class _Tally:
    title: str
    units: int = 0
    gmv_minor: int = 0
    orders: set[str] = field(default_factory=set)
    buyers: set[str] = field(default_factory=set)
    pin_buyers: set[str] = field(default_factory=set)


def pin_windows(pins: Sequence[PinEvent], until: datetime) -> dict[str, list[tuple[datetime, datetime]]]:
    """SKU → the spans it was pinned: from each pin to the next pin or unpin (or `until`)."""
    spans: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
    for i, pin in enumerate(pins):
        after = pins[i + 1] if i + 1 < len(pins) else None
        if pin.sku_id is not None:
            end = as_utc(after.pinned_at) if after is not None else until
            spans[pin.sku_id].append((as_utc(pin.pinned_at), max(end, as_utc(pin.pinned_at))))
    return spans


def _refund_shares(order: Order, lines: Sequence[OrderLine]) -> list[int]:
    """The order's refunds spread over its lines in proportion to what each line paid."""
    if not order.refunded_minor or not any(line.amount_minor for line in lines):
        return [0] * len(lines)
    return split_exact(order.refunded_minor, [line.amount_minor for line in lines])


def top_skus(
    orders: Sequence[Order],
    lines: Sequence[OrderLine],
    pins: Sequence[PinEvent],
    minutes: Sequence[SessionMinute],
    until: datetime,
    titles: dict[str, str],
) -> list[SkuRow]:
    """Every SKU sold or pinned, best-selling first."""
    spans = pin_windows(pins, until)
    by_order: dict[str, list[OrderLine]] = defaultdict(list)
    for line in lines:
        by_order[line.order_id].append(line)
    tallies: dict[str, _Tally] = {}
    for order in orders:
        own = by_order.get(order.id, [])
        for line, refunded in zip(own, _refund_shares(order, own), strict=True):
            _count(
                tallies.setdefault(line.sku_id, _Tally(line.title)), order, line, refunded, spans.get(line.sku_id, [])
            )
    for sku_id in spans:
        tallies.setdefault(sku_id, _Tally(titles.get(sku_id, sku_id)))
    rows = [_row(sku_id, t, spans.get(sku_id, []), minutes) for sku_id, t in tallies.items()]
    return sorted(rows, key=lambda r: (-r.gmv_minor, -r.units, r.title))


def _count(tally: _Tally, order: Order, line: OrderLine, refunded: int, spans: list[tuple[datetime, datetime]]) -> None:
    assert order.paid_at is not None
    tally.gmv_minor += line.amount_minor - refunded
    if order.refunded_minor < order.amount_minor:  # a wholly refunded order sold nothing
        tally.units += line.quantity
        tally.orders.add(order.id)
        tally.buyers.add(order.visitor_id)
        paid = as_utc(order.paid_at)
        if any(start <= paid <= end for start, end in spans):
            tally.pin_buyers.add(order.visitor_id)


def _row(
    sku_id: str, tally: _Tally, spans: list[tuple[datetime, datetime]], minutes: Sequence[SessionMinute]
) -> SkuRow:
    peak = max(
        (m.online_peak for m in minutes for start, end in spans if floor_minute(start) <= as_utc(m.minute) <= end),
        default=0,
    )
    return SkuRow(
        sku_id=sku_id,
        title=tally.title,
        units=tally.units,
        orders=len(tally.orders),
        buyers=len(tally.buyers),
        gmv_minor=tally.gmv_minor,
        pinned_s=int(sum((end - start).total_seconds() for start, end in spans)),
        pin_buyers=len(tally.pin_buyers),
        pin_conversion=round(len(tally.pin_buyers) / peak, 4) if spans and peak else None,
    )
