"""The figures of `python -m loadtests rush`: what the database holds afterwards, what the clients
saw, one table, and the rush section of BENCHMARKS.md."""

from __future__ import annotations

import argparse
import os
import platform
import re
from array import array
from datetime import UTC, datetime
from typing import Any

import psycopg

from loadtests import benchmarks_md


def audit(db_url: str, sku_id: str, units: int) -> dict[str, Any]:
    """Units taken (order lines), and free + held + sold = units, from PostgreSQL."""
    with psycopg.connect(db_url) as conn:
        free = conn.execute("SELECT stock FROM skus WHERE id = %s", (sku_id,)).fetchone()[0]  # type: ignore[index]
        held, sold = conn.execute(
            "SELECT coalesce(sum(reserved_units), 0), coalesce(sum(sold_units), 0) FROM stock_counters "
            "WHERE sku_id = %s",
            (sku_id,),
        ).fetchone()  # type: ignore[misc]
        ordered = conn.execute(
            "SELECT coalesce(sum(quantity), 0) FROM order_lines WHERE sku_id = %s", (sku_id,)
        ).fetchone()[0]  # type: ignore[index]
    return {"ordered": int(ordered), "conserved": int(free) + int(held) + int(sold) == units}


def _pct(values: list[float], q: float) -> float | None:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1) if ordered else None


def _wrk(out: str) -> dict[str, Any]:
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.MULTILINE)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    answered = re.search(r"(\d+) requests in", out)
    return {
        "p99": p99.group(1) if p99 else None,
        "answered": int(answered.group(1)) if answered else 0,
        "non_3xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(1).strip() if errors else "none",
    }


def _room(done: list[tuple[Any, ...]], pin_at: float) -> dict[str, Any]:
    viewers = [d for d in done if not isinstance(d[1], bytes)]  # the likers report their sends as bytes
    publish_ms = [ms for report in viewers for ms in array("d", report[2])]
    # every socket sees the pin once; each client process reports the arrival times of its sockets
    pin_ms = [(at - pin_at) * 1000 for report in viewers for at in array("d", report[7])]
    return {
        "room_p50_ms": _pct(publish_ms, 0.5),
        "room_p99_ms": _pct(publish_ms, 0.99),
        "room_like_updates": len(publish_ms),
        "pin_to_viewers_p99_ms": _pct(pin_ms, 0.99),
        "viewers_saw_pin": len(pin_ms),
        "viewers_closed_early": sum(int(d[5]) for d in viewers),
        "room_snapshots_resent": sum(int(d[8]) for d in viewers),
    }


def _buyers(bought: tuple[Any, ...], pin_at: float, units: int) -> dict[str, Any]:
    results, unfinished = bought[1], bought[2]
    codes: dict[str, int] = {}
    carts: dict[str, int] = {}
    for cart, status, _, _ in results:
        carts[str(cart)] = carts.get(str(cart), 0) + 1
        codes[str(status)] = codes.get(str(status), 0) + 1
    timed = [seconds * 1000 for cart, _, seconds, _ in results if cart == 200]
    won = sorted(at for _, status, _, at in results if status == 201)
    return {
        "checkout_p50_ms": _pct(timed, 0.5),
        "checkout_p99_ms": _pct(timed, 0.99),
        "checkout_answers": codes,
        "cart_answers": carts,
        "buyers_unfinished": unfinished,
        "pin_to_sellout_s": round(won[units - 1] - pin_at, 2) if len(won) >= units else None,
    }


def figures(args: argparse.Namespace, raw: dict[str, Any], audit: dict[str, Any]) -> dict[str, Any]:
    clicks, wrk = audit["clicks"], _wrk(raw["wrk"])
    buyers = _buyers(raw["buyers"], raw["pin_at"], args.units)
    room = _room(raw["done"], raw["pin_at"])
    sold = audit["ordered"]
    return {  # the first six numbers are what `python -m loadtests all` shows in its table
        "clicks_per_s": round(clicks["counted"] / args.seconds),
        "clicks_lost": clicks["lost"],
        "room_p99_ms": room["room_p99_ms"],
        "checkout_p99_ms": buyers["checkout_p99_ms"],
        "sold": sold,
        "pin_to_sellout_s": buyers["pin_to_sellout_s"],
        "oversold": max(0, sold - args.units),
        "goal": f"sold {args.units}, oversold 0, no click lost: "
        + ("met" if sold == args.units and clicks["lost"] == 0 else "NOT met"),
        "benchmark": "rush",
        "units": args.units,
        "stock_conserved": audit["conserved"],
        "viewers": raw["connected"],
        "buyers": args.buyers,
        "partners": args.partners,
        "clicks_per_s_target": args.clicks_per_s,
        "clicks_sent": clicks["sent_by_numbers"],
        "clicks_recorded": clicks["counted"],
        "clicks_in_flight_at_end": clicks["in_flight"],
        "clicks_p99": wrk["p99"],
        "clicks_non_3xx": wrk["non_3xx"],
        "clicks_socket_errors": wrk["socket_errors"],
        **{k: v for k, v in room.items() if k != "room_p99_ms"},
        **{k: v for k, v in buyers.items() if k not in ("checkout_p99_ms", "pin_to_sellout_s")},
        "likes_per_s_target": args.likes_per_s,
        "seconds": args.seconds,
        "workers": args.workers,
        "app_cpu_cores": round(raw["cpu_cores"], 2),
        "app_rss_mb_in_room": round(raw["rss_in_room_mb"]),
        "app_rss_kb_per_viewer": round(
            (raw["rss_in_room_mb"] - raw["rss_before_mb"]) * 1024 / max(1, raw["connected"] + args.likers), 1
        ),
        "shutdown_s": round(raw["shutdown_s"], 2),
        "load_average_1m_after": round(os.getloadavg()[0], 2),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f} ms"


def table(f: dict[str, Any]) -> str:
    sellout = "not sold out" if f["pin_to_sellout_s"] is None else f"{f['pin_to_sellout_s']} s"
    rows = [
        ("clicks/s recorded (target)", f"{f['clicks_per_s']:,} ({f['clicks_per_s_target']:,.0f})"),
        (
            "clicks lost",
            f"{f['clicks_lost']} (of {f['clicks_sent']:,} sent; {f['clicks_in_flight_at_end']} unanswered at the end)",
        ),
        ("room p99, like total publish → viewer", f"{_ms(f['room_p99_ms'])} ({f['viewers']:,} viewers)"),
        ("pin → viewers p99", f"{_ms(f['pin_to_viewers_p99_ms'])} ({f['viewers_saw_pin']:,} saw it)"),
        ("checkout p99 (the reservation request)", f"{_ms(f['checkout_p99_ms'])} (p50 {_ms(f['checkout_p50_ms'])})"),
        ("sold (units)", f"{f['sold']:,} of {f['units']:,}"),
        ("oversold", str(f["oversold"])),
        ("pin → sell-out", sellout),
    ]
    return "\n".join(["| figure | value |", "|---|---|", *(f"| {name} | {value} |" for name, value in rows)])


def write_section(args: argparse.Namespace, f: dict[str, Any]) -> None:
    command = "python -m loadtests rush" + (" --quick" if args.quick else "")
    body = f"""## rush

One live session at full tilt on PostgreSQL + Redis with {f["workers"]} app workers (`zhixiang serve`,
localstripe for payments): {f["viewers"]:,} viewer sockets in the room (picows client processes) and a
like storm ({f["likes_per_s_target"]:,.0f} likes/s from {args.likers} sockets); `wrk` opens {f["partners"]:,}
partners' links in turn at {f["clicks_per_s_target"]:,.0f}/s for {f["seconds"]:g} s, each request a new visitor;
one second in, the brand pins a SKU of {f["units"]:,} units (one a buyer) and {f["buyers"]:,} buyers (aiohttp,
their own process) add it to the cart and check out, spread over {f["seconds"]:g} s. Clicks are counted
in PostgreSQL after a graceful stop; units sold from the order lines; checkout is timed on the
reservation request alone.

- machine: {f["machine"]}, shared with other work (1-minute load average after the run:
  {f["load_average_1m_after"]}); {f["date"]}
- command: `{command}`

{table(f)}

- goal: {f["goal"]}; stock conserved (free + held + sold = units): {f["stock_conserved"]}
- checkout answers {f["checkout_answers"]}; cart answers {f["cart_answers"]};
  buyers not done within the bound: {f["buyers_unfinished"]}
- app ({f["workers"]} workers): {f["app_cpu_cores"]} cores busy from the go to the end of the buying;
  resident memory {f["app_rss_mb_in_room"]:,} MB with the room full, {f["app_rss_kb_per_viewer"]} KB more per socket
- room: {f["room_snapshots_resent"]} snapshots re-sent, {f["viewers_closed_early"]} sockets closed early
- clicks: wrk p99 {f["clicks_p99"]}, non-3xx {f["clicks_non_3xx"]}, socket errors {f["clicks_socket_errors"]}
"""
    benchmarks_md.write_section("rush", body)
