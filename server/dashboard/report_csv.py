"""The session report as CSV: one section per table (headline figures, per minute, per SKU, per
partner, per link), each with its own header row, money in minor units and the currency beside;
the partners' commission is the ledger's (accrued for the session's orders, net of reversals)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from server.dashboard.schemas import DashboardPublic

FIGURES = (
    "gmv_minor",
    "refunds_minor",
    "paid_orders",
    "paid_buyers",
    "viewers",
    "carting_visitors",
    "online_peak",
    "avg_watch_s",
    "likes",
    "comments",
    "cart_adds",
    "clicks",
    "uv_value_minor",
)
PARTNER_COLUMNS = (
    "partner_id",
    "partner_name",
    "clicks",
    "viewers",
    "likes",
    "cart_adds",
    "orders",
    "gmv_minor",
    "commission_minor",
)


def report_csv(report: DashboardPublic) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    _section(
        writer,
        ["session_id", "title", "state", "started_at", "ended_at", "currency"],
        [
            [
                report.session_id,
                report.title,
                report.state,
                _iso(report.started_at),
                _iso(report.ended_at),
                report.currency,
            ]
        ],
    )
    figures = report.figures
    _section(
        writer,
        ["figure", "value"],
        [[name, getattr(figures, name)] for name in FIGURES]
        + [
            ["conversion_viewer_to_cart", figures.conversion.viewer_to_cart],
            ["conversion_cart_to_paid", figures.conversion.cart_to_paid],
            ["conversion_viewer_to_paid", figures.conversion.viewer_to_paid],
        ],
    )
    s = report.series
    _section(
        writer,
        ["minute", "online", "gmv_minor", "orders", "likes", "comments", "cart_adds", "clicks", "watch_s"],
        zip(
            [m.isoformat() for m in s.minutes],
            s.online,
            s.gmv_minor,
            s.orders,
            s.likes,
            s.comments,
            s.cart_adds,
            s.clicks,
            s.watch_s,
            strict=True,
        ),
    )
    _section(
        writer,
        ["sku_id", "title", "units", "orders", "buyers", "gmv_minor", "pinned_s", "pin_buyers", "pin_conversion"],
        [
            [
                r.sku_id,
                r.title,
                r.units,
                r.orders,
                r.buyers,
                r.gmv_minor,
                r.pinned_s,
                r.pin_buyers,
                "" if r.pin_conversion is None else r.pin_conversion,
            ]
            for r in report.skus
        ],
    )
    _section(writer, PARTNER_COLUMNS, [[getattr(p, c) for c in PARTNER_COLUMNS] for p in report.partners])
    _section(
        writer,
        ("link_id", "code", *PARTNER_COLUMNS),
        [[p.link_id, p.code, *(getattr(p, c) for c in PARTNER_COLUMNS)] for p in report.links],
    )
    _section(
        writer,
        ["pinned_at", "sku_id", "title"],
        [[p.at.isoformat(), p.sku_id or "", p.title or ""] for p in report.pins],
    )
    return out.getvalue()


def _section(writer: Any, header: Iterable[str], rows: Iterable[Iterable[Any]]) -> None:
    writer.writerow(list(header))
    writer.writerows(rows)
    writer.writerow([])


def _iso(value: Any) -> str:
    return value.isoformat() if value is not None else ""
