"""The brand's bulk work: the CSV of what is left to ship (lines, contact, address: personal data,
so only to the brand's own token, and only for paid orders whose data is still kept), and a CSV
of tracking numbers applied row by row with each row's result.

Import rows are `order_id,carrier,tracking_number[,line_id,quantity]` (no line: every unit left).
Each row is checked entirely before it writes anything (`shipping.ship` checks, then adds), so a
refused row leaves nothing behind; the good rows commit together at the end. Another brand's
order reads as unknown, as it does everywhere else."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout.closing import lock_order
from broadcast.checkout.models import Order
from broadcast.fulfilment.models import Fulfilment
from broadcast.fulfilment.quantities import units_of
from broadcast.fulfilment.schemas import ParcelCreate
from broadcast.fulfilment.shipping import ship
from broadcast.fulfilment.states import PAID_STATES
from server.kernel.problems import InvalidInput, Problem

EXPORT_COLUMNS = [
    "order_id",
    "line_id",
    "sku_id",
    "title",
    "quantity_to_ship",
    "contact_name",
    "contact_phone",
    "contact_email",
    "shipping_address",
    "paid_at",
]
IMPORT_COLUMNS = ["order_id", "carrier", "tracking_number", "line_id", "quantity"]
MAX_ROWS = 5000


async def unshipped_csv(session: AsyncSession, brand_id: str) -> str:
    stmt = (
        select(Order)
        .where(
            Order.brand_id == brand_id,
            col(Order.state).in_([s.value for s in PAID_STATES]),
            col(Order.fulfilment).in_([Fulfilment.UNSHIPPED.value, Fulfilment.PARTIALLY_SHIPPED.value]),
            col(Order.personal_data_cleared_at).is_(None),
        )
        .order_by(col(Order.id))
    )
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for order in (await session.exec(stmt)).all():
        writer.writerows(await _rows(session, order))
    return out.getvalue()


async def _rows(session: AsyncSession, order: Order) -> list[dict[str, Any]]:
    units = await units_of(session, order.id)
    person = {
        "contact_name": order.contact_name,
        "contact_phone": order.contact_phone,
        "contact_email": order.contact_email,
        "shipping_address": order.shipping_address,
        "paid_at": order.paid_at.isoformat() if order.paid_at else "",
    }
    return [
        {
            "order_id": order.id,
            "line_id": x.id,
            "sku_id": x.sku_id,
            "title": x.title,
            "quantity_to_ship": units.to_ship(x),
            **person,
        }
        for x in units.lines
        if units.to_ship(x) > 0
    ]


def parse(text: str) -> list[dict[str, str] | str]:
    """Each data row as a dict, or the reason it is malformed (a header row is optional)."""
    rows = list(csv.reader(io.StringIO(text)))
    if rows and [c.strip().lower() for c in rows[0][:3]] == IMPORT_COLUMNS[:3]:
        rows = rows[1:]
    if len(rows) > MAX_ROWS:
        raise InvalidInput(f"at most {MAX_ROWS} rows per file", extra={"rows": len(rows)})
    return [_row(cells) for cells in rows]


def _row(cells: Sequence[str]) -> dict[str, str] | str:
    cells = [c.strip() for c in cells]
    if len(cells) not in (3, 5) or not all(cells[:3]):
        return "malformed: expected order_id,carrier,tracking_number[,line_id,quantity]"
    return dict(zip(IMPORT_COLUMNS, cells, strict=False))


async def apply_row(session: AsyncSession, brand_id: str, row: dict[str, str]) -> dict[str, Any]:
    order = await lock_order(session, row["order_id"])
    if order is None or order.brand_id != brand_id:
        return {"result": "refused", "reason": "unknown order"}
    try:
        data = ParcelCreate.model_validate(_parcel_body(row))
        parcel = await ship(session, order, data)
    except ValidationError as exc:
        return {"result": "refused", "reason": "malformed: " + "; ".join(str(e["msg"]) for e in exc.errors())}
    except Problem as exc:
        return {"result": "refused", "reason": str(exc.detail)}
    return {"result": "shipped", "parcel_id": parcel.id, "fulfilment": order.fulfilment}


def _parcel_body(row: dict[str, str]) -> dict[str, Any]:
    body: dict[str, Any] = {"carrier": row["carrier"], "tracking_number": row["tracking_number"]}
    if row.get("line_id"):
        body["lines"] = [{"line_id": row["line_id"], "quantity": row.get("quantity") or "0"}]
    return body


async def import_tracking(session: AsyncSession, brand_id: str, text: str) -> list[dict[str, Any]]:
    """Every row's result, in file order (row numbers count data rows from 1); the caller commits."""
    results = []
    for n, row in enumerate(parse(text), start=1):
        if isinstance(row, str):
            results.append({"row": n, "order_id": None, "result": "refused", "reason": row})
            continue
        results.append({"row": n, "order_id": row["order_id"], **await apply_row(session, brand_id, row)})
    return results
