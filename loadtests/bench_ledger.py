"""`python -m loadtests ledger [--quick]`: the whole post-payment path, paid orders per second on
PostgreSQL, against pgbench's built-in TPC-B on the same server in the same run, as a ratio.

Payers (a process of their own) mark N orders paid, each writing the order and its `OrderPaid` in
one transaction (as the payments webhook does), while outbox dispatchers deliver them to every
registered consumer (the app's `EVENT_HANDLERS`: live room, funnel, group-buy, PK scoring,
commission accrual with its journal transaction), each consumer in its own transaction per batch.
A round is timed from the first payment until every event is delivered. pgbench runs TPC-B with as
many clients as there are payers, alternating with the rounds so both see the same background load. Goal: ratio ≥ 0.5.

No live room runs in this process, so the room's consumer records its events without touching
Redis; everything else is the production path.

A last round splits the path in two, so a reader can see which half sets the pace: the payers
alone (orders marked paid with no dispatcher running: the most the end-to-end figure can reach with
these payers on this machine), then the dispatchers alone draining that backlog (the consumers'
own rate: from the first claim until every event is delivered)."""

from __future__ import annotations

import argparse
import asyncio
import glob
import multiprocessing
import re
import shutil
import subprocess
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from loadtests.benchmarks_md import machine_line, write_section
from loadtests.pg_scratch import ADMIN_URL, scratch_database

DESCRIPTION = "paid orders through every OrderPaid consumer (outbox → ledger) per second vs pgbench TPC-B"
GOAL = 0.5
DEADLINE_S = 600.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quick", action="store_true", help="small run (600 orders)")
    parser.add_argument("--orders", type=int, default=None, help="paid orders in all (default 6000)")
    parser.add_argument("--clients", type=int, default=4, help="payers, and pgbench clients")
    parser.add_argument("--workers", type=int, default=2, help="outbox dispatchers")
    parser.add_argument("--no-write", action="store_true", help="do not rewrite the ledger section of BENCHMARKS.md")


def pgbench_binary() -> str:
    """The server's own pgbench (/usr/lib/postgresql/<v>/bin), else the one on PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pgbench"), key=lambda p: int(p.split("/")[4]))
    path = found[-1] if found else shutil.which("pgbench")
    if path is None:
        raise RuntimeError("pgbench not found (/usr/lib/postgresql/*/bin/pgbench or on PATH)")
    return path


def _handlers() -> dict[str, list[Any]]:
    """The app's consumers as a worker without a live room, board or gateway runs them."""
    from litestar.datastructures import State

    from server.app import event_handlers

    return event_handlers(State())


async def _undelivered(maker: Any) -> int:
    import sqlalchemy as sa
    from sqlmodel import col

    from server.kernel.outbox import OutboxEvent

    async with maker() as s:
        stmt = sa.select(sa.func.count()).where(col(OutboxEvent.delivered_at).is_(None))
        return int((await s.execute(stmt)).scalar_one())


async def _dispatch_until_done(maker: Any, paying: asyncio.Event, handlers: dict[str, list[Any]]) -> None:
    """One worker: drain while payments come in; stop once they are all in and all delivered."""
    from server.events import OutboxDispatcher

    dispatcher = OutboxDispatcher(maker, handlers)
    deadline = time.perf_counter() + DEADLINE_S
    while time.perf_counter() < deadline:
        if await dispatcher.drain() == 0:
            if not paying.is_set() and await _undelivered(maker) == 0:
                return
            await asyncio.sleep(0.005)  # a bench poll, not a test wait: nothing was due
    raise RuntimeError("events still undelivered after the deadline (a consumer failing?)")


def _warm_up() -> None:
    import loadtests.ledger_sale  # noqa: F401 - the app's models, imported before the clock starts


def _pay_in_process(url: str, clients: int, sale: Any, order_ids: list[str], offset: int) -> None:
    """The payers, in a process of their own as the web workers are, so they and the dispatchers
    each have a Python interpreter (the path under test is the database work, not one GIL)."""
    from loadtests.ledger_sale import mark_paid
    from server.kernel.db import make_engine, make_sessionmaker

    async def pay_all() -> None:
        engine = make_engine(url, pool_size=clients)
        maker = make_sessionmaker(engine)

        async def payer(w: int) -> None:
            for i in range(w, len(order_ids), clients):
                await mark_paid(maker, sale, order_ids[i], offset + i)

        await asyncio.gather(*(payer(w) for w in range(clients)))
        await engine.dispose()

    asyncio.run(pay_all())


async def _round(
    url: str, args: argparse.Namespace, sale: Any, order_ids: list[str], offset: int, backlog: bool = False
) -> tuple[float, float]:
    """Pay these orders and deliver every OrderPaid: seconds from the first payment to the last
    payment, and to the last delivery. With `backlog`, the dispatchers start only once every
    order is paid, and the second figure is the dispatchers' time alone."""
    from server.kernel.db import make_engine, make_sessionmaker

    engine = make_engine(url, pool_size=args.workers * 2)
    maker = make_sessionmaker(engine)
    handlers = _handlers()  # the app's imports and bindings: not timed
    paying = asyncio.Event()
    paying.set()
    dispatchers = max(args.workers, 1) if backlog else args.workers
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        await asyncio.get_running_loop().run_in_executor(pool, _warm_up)  # start-up and imports: not timed
        start = time.perf_counter()
        payers = asyncio.get_running_loop().run_in_executor(
            pool, _pay_in_process, url, args.clients, sale, order_ids, offset
        )
        if backlog:
            await payers
            paying.clear()
        workers = [asyncio.create_task(_dispatch_until_done(maker, paying, handlers)) for _ in range(dispatchers)]
        await payers
        paid = time.perf_counter() - start
        paying.clear()
        await asyncio.gather(*workers)
        elapsed = time.perf_counter() - start
    await engine.dispose()
    return paid, elapsed - paid if backlog else elapsed


async def _prepare(url: str, orders: int) -> tuple[Any, list[str]]:
    from loadtests.ledger_sale import pending_orders, seed
    from server.kernel.db import make_engine, make_sessionmaker

    engine = make_engine(url)
    maker = make_sessionmaker(engine)
    sale = await seed(maker)
    order_ids = await pending_orders(maker, sale, orders)
    await engine.dispose()
    return sale, order_ids


def _pgbench(url: str, clients: int, seconds: int) -> float:
    command = [pgbench_binary(), "-T", str(seconds), "-c", str(clients), "-j", str(clients), "-n", url]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    match = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", out) or re.search(r"tps = ([0-9.]+)", out)
    if match is None:
        raise RuntimeError(f"could not read pgbench output:\n{out}")
    return float(match.group(1))


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Alternate sale rounds and pgbench slices of about the same length."""
    from server.migrate import upgrade

    total = args.orders or (600 if args.quick else 6000)
    rounds = 2 if args.quick else 3
    paying, elapsed, tps = 0.0, 0.0, []
    with scratch_database("ledger") as url, scratch_database("pgbench") as bench_url:
        upgrade(url)
        sale, prepared = asyncio.run(_prepare(url, total + _backlog_size(total, rounds)))
        order_ids, backlog_ids = prepared[:total], prepared[total:]
        subprocess.run([pgbench_binary(), "-i", "-q", "-s", "1", bench_url], check=True, capture_output=True)
        per_round = -(-total // rounds)
        for r in range(rounds):
            chunk = order_ids[r * per_round : (r + 1) * per_round]
            paid, spent = asyncio.run(_round(url, args, sale, chunk, r * per_round))
            paying, elapsed = paying + paid, elapsed + spent
            tps.append(_pgbench(bench_url, args.clients, max(2, round(spent))))
        halves = asyncio.run(_round(url, args, sale, backlog_ids, total, backlog=True))
        tps.append(_pgbench(bench_url, args.clients, max(2, round(sum(halves)))))
    figures = _figures(args, rounds, total, (paying, elapsed), tps)
    figures |= _halves(len(backlog_ids), halves, figures["pgbench_tpcb_tps"])
    if not args.no_write:
        write_section("ledger", _section(args, figures))
    return figures


def _backlog_size(total: int, rounds: int) -> int:
    return -(-total // rounds)  # one round's worth


def _halves(orders: int, halves: tuple[float, float], tpcb: float) -> dict[str, Any]:
    """The split round's figures: the payers alone and the dispatchers alone, per second and as a
    ratio to the same pgbench mean as the end-to-end figure."""
    paying_s, draining_s = halves
    payers, consumers = orders / paying_s, orders / draining_s
    print(f"payers alone: {payers:.0f} orders/s ({payers / tpcb:.3f})", end="  ")
    print(f"consumers alone: {consumers:.0f} orders/s ({consumers / tpcb:.3f})")
    return {
        "split_orders": orders,
        "payers_alone_orders_per_s": round(payers, 1),
        "payers_alone_ratio": round(payers / tpcb, 3),
        "consumers_alone_orders_per_s": round(consumers, 1),
        "consumers_alone_ratio": round(consumers / tpcb, 3),
    }


def _section(args: argparse.Namespace, f: dict[str, Any]) -> str:
    command = "python -m loadtests ledger" + (" --quick" if args.quick else "")
    met = "met" if f["ratio"] >= f["goal_ratio"] else "**not met**"
    return f"""## ledger
Paid orders through the whole post-payment path on PostgreSQL — each order marked paid with its
`OrderPaid` in the outbox, then delivered by {f["workers"]} outbox dispatchers to every consumer
(commission accrual and the others) until none is left — against pgbench's built-in TPC-B on the
same server in the same run ({f["rounds"]} alternating rounds, {f["clients"]} clients each).

- machine: {machine_line()}
- command: `{command}`; {f["orders"]:,} orders, {f["seconds"]} s from the first payment to the last
  delivery ({f["seconds_paying"]} s of it paying)

| | per second |
|---|---|
| paid orders, every consumer done | {f["orders_per_s"]:,} |
| pgbench TPC-B, rounds {" / ".join(str(t) for t in f["pgbench_rounds_tps"])} | {f["pgbench_tpcb_tps"]:,} |
| **ratio** | **{f["ratio"]}** (goal ≥ {f["goal_ratio"]}: {met}) |

Which half sets the pace (a last round of {f["split_orders"]:,} orders, split): the payers alone marked
{f["payers_alone_orders_per_s"]:,} orders/s paid with no dispatcher running (**{f["payers_alone_ratio"]}×**
pgbench: the most the ratio above can reach with these payers on this machine); the dispatchers
alone then delivered that backlog to every consumer at {f["consumers_alone_orders_per_s"]:,} orders/s
(**{f["consumers_alone_ratio"]}×**). pgbench's mean includes a slice after the split round.
"""


def _figures(
    args: argparse.Namespace, rounds: int, total: int, times: tuple[float, float], tps: list[float]
) -> dict[str, Any]:
    paying, elapsed = times
    orders_per_s, tpcb = total / elapsed, sum(tps) / len(tps)
    ratio = orders_per_s / tpcb
    print(f"post-payment path: {orders_per_s:.0f} orders/s  pgbench TPC-B: {tpcb:.0f} tps  ratio {ratio:.3f}")
    return {
        "benchmark": "ledger",
        "clients": args.clients,
        "workers": args.workers,
        "rounds": rounds,
        "orders": total,
        "seconds": round(elapsed, 1),
        "seconds_paying": round(paying, 1),  # the payers' share: the rest is the consumers catching up
        "orders_per_s": round(orders_per_s, 1),
        "pgbench_tpcb_tps": round(tpcb, 1),
        "pgbench_rounds_tps": [round(t, 1) for t in tps],
        "ratio": round(ratio, 3),
        "goal_ratio": GOAL,
        "goal": f"ratio ≥ {GOAL}",
        "server": ADMIN_URL.rsplit("@", 1)[-1],
    }
