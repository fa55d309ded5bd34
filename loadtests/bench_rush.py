"""`python -m loadtests rush [--quick]`: one live session under everything at once, as on the night.

One session on PostgreSQL + Redis with 2 app workers (`zhixiang serve`, localstripe for the
payments). N viewers sit in the room (the fan-out benchmark's picows client processes) while 200
sockets send a like storm; `wrk` opens the partners' links (one link per partner, in turn, every
request a new visitor) at a steady rate; one second in, the brand pins a SKU of `units` and the
buyers (their own aiohttp process) add it to the cart and check out, spread over the window.

Reported in one table: clicks/s recorded and clicks lost (counted in PostgreSQL after a graceful
stop, by visitor number, as the redirect benchmark does), the room's p99 (a like total's publish →
viewer receipt), the checkout p99 (the reservation request, what `flashsale` measures), units sold
(exactly `units`), oversold (0), and the time from the pin to the last unit reserved.

Needs `wrk`, PostgreSQL (ZX_BENCH_PG_URL) and Redis (ZX_BENCH_REDIS_URL); everything on 127.0.0.1,
a scratch database and Redis namespace of its own, dropped afterwards."""

from __future__ import annotations

import argparse
import multiprocessing as mp
import queue
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import redis

from loadtests import rush_report, rush_setup
from loadtests.bench_redirect import count_clicks, ensure_wrk
from loadtests.fanout_clients import likers_process, viewers_process
from loadtests.pg_scratch import scratch_database
from loadtests.processes import (
    LOCALSTRIPE_KEY,
    ServerProcess,
    cli,
    raise_fd_limit,
    serve_app,
    serve_localstripe,
    tree_cpu_s,
    tree_rss_mb,
)
from loadtests.rush_buyers import PHASE_BOUND_S, buyers_process
from loadtests.service_urls import PG_ADMIN_URL, REDIS_URL

DESCRIPTION = "one session at full tilt: viewers + like storm + partners' clicks + a pinned SKU selling out (2 workers)"
LUA = Path(__file__).with_name("wrk_rush.lua")
PIN_AFTER_S = 1.0  # the storm and the clicks are running when the brand pins
READY_TIMEOUT_S = 300.0
FULL = {"viewers": 5000, "partners": 500, "clicks_per_s": 2000.0, "seconds": 10.0, "units": 500, "likers": 200}
QUICK = {"viewers": 300, "partners": 50, "clicks_per_s": 500.0, "seconds": 5.0, "units": 50, "likers": 40}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quick", action="store_true", help="300 viewers, 50 links at 500/s, 50 units, 5 s (< 60 s)")
    parser.add_argument("--viewers", type=int, help="viewer sockets in the room (default 5,000)")
    parser.add_argument("--buyers", type=int, help="viewers who try to buy (default: every viewer)")
    parser.add_argument("--partners", type=int, help="partners, one link each (default 500)")
    parser.add_argument("--clicks-per-s", type=float, help="link opens a second (default 2,000)")
    parser.add_argument("--seconds", type=float, help="clicks, storm and buying window (default 10)")
    parser.add_argument("--units", type=int, help="units of the pinned SKU (default 500)")
    parser.add_argument("--likers", type=int, help="sockets the like storm comes from (default 200)")
    parser.add_argument("--likes-per-s", type=float, default=2000.0)
    parser.add_argument("--clients", type=int, help="processes holding the viewer sockets (default 3; 1 quick)")
    parser.add_argument("--connections", type=int, default=64, help="wrk connections")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pg-admin-url", default=PG_ADMIN_URL)
    parser.add_argument("--redis-url", default=REDIS_URL)
    parser.add_argument("--no-write", action="store_true", help="do not rewrite the rush section of BENCHMARKS.md")


def _defaults(args: argparse.Namespace) -> None:
    for name, value in (QUICK if args.quick else FULL).items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    args.buyers = args.buyers or args.viewers
    args.clients = args.clients or (1 if args.quick else 3)


class Inbox:
    """The client processes' reports, taken by kind; others wait their turn."""

    def __init__(self, report: Any) -> None:
        self.report, self.held = report, []  # type: ignore[var-annotated]

    def take(self, kind: str, count: int, timeout_s: float = READY_TIMEOUT_S) -> list[tuple[Any, ...]]:
        deadline = time.monotonic() + timeout_s
        got = [m for m in self.held if m[0] == kind][:count]
        self.held = [m for m in self.held if m not in got]
        while len(got) < count:
            try:
                message = self.report.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                raise TimeoutError(f"{len(got)} of {count} {kind!r} reports in {timeout_s:.0f} s") from None
            (got if message[0] == kind else self.held).append(message)
        return got


def _wrk(args: argparse.Namespace, base_url: str, nonce: str, codes: list[str]) -> subprocess.Popen[str]:
    argv = ["wrk", "-t", "1", "-c", str(args.connections), "-d", f"{args.seconds:g}s", "--latency"]
    argv += ["--timeout", "30s", "-s", str(LUA), f"{base_url}/", "--", nonce, f"{args.clicks_per_s:g}", ",".join(codes)]
    return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _clients(
    args: argparse.Namespace, app: ServerProcess, stage: rush_setup.RushStage
) -> tuple[list[Any], list[Any], Any]:
    ctx = mp.get_context("spawn")
    report, controls = ctx.Queue(), [ctx.Queue() for _ in range(args.clients + 2)]
    room = f"{app.ws_url}/ws/sessions/{stage.session_id}"
    share = [args.viewers // args.clients + (i < args.viewers % args.clients) for i in range(args.clients)]
    procs = [ctx.Process(target=viewers_process, args=(room, n, controls[i], report)) for i, n in enumerate(share)]
    storm_s = args.seconds + PIN_AFTER_S
    procs.append(
        ctx.Process(target=likers_process, args=(room, args.likers, args.likes_per_s, storm_s, controls[-2], report))
    )
    visitors = [f"rush{uuid.uuid4().hex}" for _ in range(args.buyers)]
    buyers = (app.base_url, stage.session_id, stage.sku_id, visitors, args.seconds, controls[-1], report)
    procs.append(ctx.Process(target=buyers_process, args=buyers))
    return procs, controls, report


def _rush(args: argparse.Namespace, app: ServerProcess, stage: rush_setup.RushStage, nonce: str) -> dict[str, Any]:
    procs, controls, report = _clients(args, app, stage)
    inbox, rss_before = Inbox(report), tree_rss_mb(app.process.pid)
    for proc in procs:
        proc.start()
    try:
        started = time.monotonic()
        ready = inbox.take("ready", len(procs))
        connected = sum(r[1] for r in ready) - args.likers - args.buyers
        took = time.monotonic() - started
        print(f"  rush: {connected} viewers in the room, {args.buyers} buyers ready in {took:.1f} s; go", flush=True)
        time.sleep(1.0)
        rss_in_room, cpu_before, go_at = tree_rss_mb(app.process.pid), tree_cpu_s(app.process.pid), time.monotonic()
        for control in controls[:-1]:
            control.put("go")  # viewers record, likers storm
        clicks = _wrk(args, app.base_url, nonce, stage.link_codes)
        time.sleep(PIN_AFTER_S)
        pin_at = time.time()
        rush_setup.pin(app.base_url, stage)
        controls[-1].put("go")  # buyers
        bought = inbox.take("buyers", 1, PHASE_BOUND_S + 60)[0]
        wrk_out, _ = clicks.communicate(timeout=args.seconds + 60)
        cpu_cores = (tree_cpu_s(app.process.pid) - cpu_before) / (time.monotonic() - go_at)
        time.sleep(1.0)  # the last coalesced totals
        for control in controls[: args.clients]:
            control.put("stop")
        done = inbox.take("done", args.clients + 1)
    finally:
        for proc in procs:
            proc.join(timeout=30)
            if proc.is_alive():
                proc.kill()
    memory = {"rss_before_mb": rss_before, "rss_in_room_mb": rss_in_room, "cpu_cores": cpu_cores}
    return {"connected": connected, "pin_at": pin_at, "buyers": bought, "done": done, "wrk": wrk_out, **memory}


def _app_env(args: argparse.Namespace, db_url: str, stripe_url: str, namespace: str) -> dict[str, str]:
    return {
        "DATABASE_URL": db_url,
        "REDIS_URL": args.redis_url,
        "REDIS_NAMESPACE": namespace,
        "STRIPE_API_KEY": LOCALSTRIPE_KEY,
        "STRIPE_API_BASE": stripe_url,
        "STRIPE_WEBHOOK_SECRET": "whsec_zhixiang_bench_0123456789",
        "CLICK_BOT_IP_PER_MINUTE": "0",  # every visitor comes from 127.0.0.1 here
        "ORDER_SWEEP_INTERVAL_S": "0",
        "DB_POOL_SIZE": "20",  # as the flash sale: the reservations queue for a connection
        "UNPAID_HOLDS_PER_CLIENT": "0",  # the crowd is one loopback address: the cap would measure itself
    }


def _forget(redis_url: str, namespace: str) -> None:
    with redis.Redis.from_url(redis_url) as client:
        keys = list(client.scan_iter(match=f"{namespace}*", count=1000))
        for start in range(0, len(keys), 1000):
            client.delete(*keys[start : start + 1000])


def _measure(args: argparse.Namespace, namespace: str, nonce: str) -> tuple[dict[str, Any], dict[str, Any]]:
    with scratch_database("rush", args.pg_admin_url) as db_url, serve_localstripe() as stripe:
        env = _app_env(args, db_url, stripe.base_url, namespace)
        started = time.monotonic()
        with serve_app(env, args.workers) as app:
            print(f"  rush: app up in {time.monotonic() - started:.1f} s", flush=True)
            admin = cli(env, "token", "create", "--role", "admin", "--name", "rush").split()[-1]
            stage = rush_setup.stage(app.base_url, db_url, admin, args.units, args.partners)
            raw = _rush(args, app, stage, nonce)
            started = time.monotonic()
            app.stop()  # graceful: the clicks still buffered are written before they are counted
            raw["shutdown_s"] = time.monotonic() - started
        audit = rush_report.audit(db_url, stage.sku_id, args.units)
        audit["clicks"] = count_clicks(db_url, args.connections, nonce)
    return raw, audit


def run(args: argparse.Namespace) -> dict[str, Any]:
    _defaults(args)
    error = ensure_wrk()
    if error:
        print(error, file=sys.stderr)
        return {"error": error}
    raise_fd_limit()
    namespace, nonce = f"zxrush{uuid.uuid4().hex[:8]}", f"rush{uuid.uuid4().hex[:8]}"
    print(
        f"rush: {args.viewers:,} viewers, {args.partners} links at {args.clicks_per_s:g}/s, {args.units} units, "
        f"{args.buyers:,} buyers over {args.seconds:g} s, {args.workers} workers",
        flush=True,
    )
    try:
        raw, audit = _measure(args, namespace, nonce)
    finally:
        _forget(args.redis_url, namespace)
    figures = rush_report.figures(args, raw, audit)
    print(rush_report.table(figures), flush=True)
    if not args.no_write:
        rush_report.write_section(args, figures)
    return figures
