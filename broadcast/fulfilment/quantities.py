"""Units of an order's lines: ordered, in parcels, and claimed by after-sales requests — what is
left to ship and what is left to claim."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout.closing import lines_of
from broadcast.checkout.models import OrderLine
from broadcast.fulfilment.models import Aftersale, AftersaleKind, AftersaleState, Parcel
from server.kernel.problems import InvalidInput


def counted(rows: Iterable[Sequence[Any]]) -> Counter[str]:
    total: Counter[str] = Counter()
    for lines in rows:
        for line in lines:
            total[str(line["line_id"])] += int(line["quantity"])
    return total


@dataclass(frozen=True)
class Units:
    lines: Sequence[OrderLine]
    shipped: Counter[str]
    refunded_unshipped: Counter[str]  # approved "refund only" of units not yet shipped: never ship
    claimed: Counter[str]  # in an open or refunded after-sales request

    def to_ship(self, line: OrderLine) -> int:
        return line.quantity - self.shipped[line.id] - self.refunded_unshipped[line.id]

    def claimable(self, line: OrderLine) -> int:
        return line.quantity - self.claimed[line.id]

    def all_shipped(self) -> bool:
        return all(self.to_ship(line) <= 0 for line in self.lines)


async def units_of(session: AsyncSession, order_id: str) -> Units:
    lines = await lines_of(session, order_id)
    parcels = (await session.exec(select(Parcel.lines).where(Parcel.order_id == order_id))).all()
    stmt = select(Aftersale).where(Aftersale.order_id == order_id, col(Aftersale.state) != AftersaleState.REFUSED)
    claims = (await session.exec(stmt)).all()
    unshipped_refunds = [a.lines for a in claims if a.kind == AftersaleKind.REFUND_ONLY and a.before_shipping]
    return Units(lines, counted(parcels), counted(unshipped_refunds), counted(a.lines for a in claims))


def checked_lines(units: Units, wanted: Sequence[tuple[str, int]], limit: str) -> list[tuple[OrderLine, int]]:
    """(line, quantity) for each wanted line, or 422 naming the line: unknown, or more units than
    are left (`limit`: "to_ship" or "claimable")."""
    by_id = {line.id: line for line in units.lines}
    picked: list[tuple[OrderLine, int]] = []
    for i, (line_id, quantity) in enumerate(wanted):
        line = by_id.get(line_id)
        if line is None:
            raise InvalidInput(f"line {line_id} is not a line of this order", extra=_field(i, "not in this order"))
        left = getattr(units, limit)(line)
        if quantity > left:
            raise InvalidInput(f"line {line_id} has {left} unit(s) left", extra=_field(i, f"at most {left}"))
        picked.append((line, quantity))
    if len({line.id for line, _ in picked}) != len(picked):
        raise InvalidInput("a line is named twice", extra=_field(0, "each line once"))
    return picked


def _field(i: int, message: str) -> dict[str, Any]:
    return {"errors": [{"field": f"lines[{i}].quantity", "message": message}]}
