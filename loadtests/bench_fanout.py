"""Live room fan-out: N viewers in one session and a like storm, against a bare `websockets`
broadcast server doing the same coalesced broadcast (the baseline).

Measures delivered messages per second, p50/p99 latency from publish (the event's server `ts`)
to receipt, and from the like's send time to the first total that includes it. The clients are
`picows` processes (see `fanout_clients.py`); each reports its own CPU during the storm as % of
one core, so a reader sees whether the client had headroom (a figure near 100 means the client,
not the server, set the latency)."""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing as mp
import os
import tempfile
import time
import uuid
from array import array
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import redis

from loadtests import fanout_report
from loadtests.benchmarks_md import write_section
from loadtests.fanout_clients import likers_process, viewers_process
from loadtests.pg_scratch import scratch_database
from loadtests.processes import cli, raise_fd_limit, serve_app, serve_command, tree_cpu_s
from loadtests.service_urls import PG_ADMIN_URL, REDIS_URL

DESCRIPTION = "live room fan-out: viewers × like storm vs a bare websockets broadcast server"
READY_TIMEOUT_S = 300


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quick", action="store_true", help="1,000 viewers for 8 s (< ~60 s in all)")
    parser.add_argument("--viewers", type=int, help="viewer sockets (default 5,000; 1,000 with --quick)")
    parser.add_argument("--seconds", type=float, help="like storm length (default 20; 8 with --quick)")
    parser.add_argument("--likes-per-s", type=float, default=2000.0, help="likes sent per second")
    parser.add_argument("--likers", type=int, default=200, help="sockets the likes are sent from")
    parser.add_argument("--clients", type=int, default=3, help="client processes holding the viewer sockets")
    parser.add_argument("--workers", type=int, default=1, help="app workers (> 1 uses a temporary PostgreSQL db)")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", REDIS_URL))
    parser.add_argument("--pg-admin-url", default=PG_ADMIN_URL)
    parser.add_argument("--no-write", action="store_true", help="do not rewrite the fanout section of BENCHMARKS.md")


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


@contextlib.contextmanager
def _database(args: argparse.Namespace) -> Iterator[str]:
    if args.workers == 1:
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{Path(tmp) / 'bench.db'}"
        return
    with scratch_database("fanout", args.pg_admin_url) as url:
        yield url


def _live_session(base_url: str, env: dict[str, str]) -> str:
    admin = cli(env, "token", "create", "--role", "admin", "--name", "bench").split()[2]
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {admin}"}, timeout=30) as http:
        brand = http.post(
            "/api/v1/brands", json={"name": "Bench", "slug": f"bench-{uuid.uuid4().hex[:8]}", "default_currency": "CNY"}
        ).json()
        sku = http.post(
            f"/api/v1/brands/{brand['id']}/skus",
            json={"code": "B-1", "title": "Bench tea", "price_minor": 9900, "stock": 100},
        ).json()
        session = http.post(
            f"/api/v1/brands/{brand['id']}/sessions",
            json={"title": "Bench live", "scheduled_start_at": "2030-01-01T00:00:00+00:00"},
        ).json()
        http.post(f"/api/v1/sessions/{session['id']}/lineup", json={"sku_id": sku["id"]}).raise_for_status()
        http.post(f"/api/v1/sessions/{session['id']}/state", json={"state": "live"}).raise_for_status()
    return str(session["id"])


def _wait(report: Any, kind: str, count: int) -> list[tuple[Any, ...]]:
    got, deadline = [], time.monotonic() + READY_TIMEOUT_S
    while len(got) < count:
        message = report.get(timeout=max(1.0, deadline - time.monotonic()))
        if message[0] == kind:
            got.append(message)
    return got


def measure(name: str, url: str, args: argparse.Namespace, server_pid: int) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    report, controls = ctx.Queue(), [ctx.Queue() for _ in range(args.clients + 1)]
    share = [args.viewers // args.clients + (1 if i < args.viewers % args.clients else 0) for i in range(args.clients)]
    procs = [ctx.Process(target=viewers_process, args=(url, n, controls[i], report)) for i, n in enumerate(share)]
    procs.append(
        ctx.Process(
            target=likers_process, args=(url, args.likers, args.likes_per_s, args.seconds, controls[-1], report)
        )
    )
    started = time.monotonic()
    for proc in procs:
        proc.start()
    ready = _wait(report, "ready", len(procs))
    connected = sum(r[1] for r in ready[:]) - args.likers
    print(
        f"  {name}: {connected} viewers connected in {time.monotonic() - started:.1f}s, storm {args.seconds}s",
        flush=True,
    )
    time.sleep(1.0)
    cpu_before = tree_cpu_s(server_pid)
    for control in controls:
        control.put("go")
    time.sleep(args.seconds + 1.0)  # the storm, plus a second for the last totals to arrive
    server_cpu = (tree_cpu_s(server_pid) - cpu_before) / (args.seconds + 1.0)
    for control in controls[:-1]:
        control.put("stop")
    done = _wait(report, "done", len(procs))
    for proc in procs:
        proc.join(timeout=30)
    return {**_figures(done, args, connected), "server_cpu_cores": round(server_cpu, 2)}


def _figures(done: list[tuple[Any, ...]], args: argparse.Namespace, connected: int) -> dict[str, Any]:
    liker = next(d for d in done if isinstance(d[1], bytes))
    sent = array("d", liker[1])
    viewers = [d for d in done if d is not liker]
    messages = sum(d[1] for d in viewers)
    publish_ms: list[float] = []
    send_ms: list[float] = []
    for _, _, lat, totals, received in (d[:5] for d in viewers):
        publish_ms.extend(array("d", lat))
        for total, at in zip(array("q", totals), array("d", received), strict=True):
            if 1 <= total <= len(sent):
                send_ms.append((at - sent[total - 1]) * 1000)
    window_s = args.seconds + 1.0
    return {
        "viewers": connected,
        "messages_per_s": round(messages / window_s),
        "like_updates_per_s": round(len(publish_ms) / window_s),
        "like_updates_per_viewer_per_s": round(len(publish_ms) / max(1, connected) / window_s, 2),
        "publish_to_receipt_ms_p50": _percentile(publish_ms, 0.5),
        "publish_to_receipt_ms_p99": _percentile(publish_ms, 0.99),
        "like_to_receipt_ms_p50": _percentile(send_ms, 0.5),
        "like_to_receipt_ms_p99": _percentile(send_ms, 0.99),
        "likes_sent_per_s": round(len(sent) / args.seconds),
        "closed_early": sum(d[5] for d in viewers),
        "client_cpu_pct": {"viewers": [d[6] for d in viewers], "likers": liker[2]},
    }


def _redis_ok(url: str) -> bool:
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
        return True
    except Exception:
        return False


def _forget_namespace(url: str, namespace: str) -> None:
    client = redis.Redis.from_url(url)
    for key in client.scan_iter(match=f"{namespace}:*", count=1000):
        client.delete(key)


def _run_app(args: argparse.Namespace) -> dict[str, Any]:
    namespace = f"zxbench{uuid.uuid4().hex[:8]}"
    use_redis = _redis_ok(args.redis_url)
    with _database(args) as database_url:
        env = {"DATABASE_URL": database_url, "REDIS_NAMESPACE": namespace}
        if use_redis:
            env["REDIS_URL"] = args.redis_url
        try:
            with serve_app(env, workers=args.workers) as app:
                session_id = _live_session(app.base_url, env)
                figures = measure("zhixiang", f"{app.ws_url}/ws/sessions/{session_id}", args, app.process.pid)
        finally:
            if use_redis:
                _forget_namespace(args.redis_url, namespace)
    return {**figures, "fanout": "redis" if use_redis else "memory"}


def _run_baseline(args: argparse.Namespace) -> dict[str, Any]:
    with serve_command("fanout-baseline", "loadtests.fanout_baseline") as served:
        return measure("baseline", served.ws_url + "/", args, served.process.pid)


def run(args: argparse.Namespace) -> dict[str, Any]:
    args.viewers = args.viewers or (1000 if args.quick else 5000)
    args.seconds = args.seconds or (8.0 if args.quick else 20.0)
    limit = raise_fd_limit()
    print(
        f"fanout: {args.viewers} viewers, {args.likes_per_s:.0f} likes/s from {args.likers} sockets, "
        f"{args.seconds:.0f}s, app workers {args.workers}, fd limit {limit}",
        flush=True,
    )
    ours = _run_app(args)
    print(f"  zhixiang: {ours}", flush=True)
    base = _run_baseline(args)
    print(f"  baseline: {base}", flush=True)
    # Compare like updates delivered (the baseline sends nothing else; the app also sends viewer counts).
    ours_rate, base_rate = ours["like_updates_per_viewer_per_s"], base["like_updates_per_viewer_per_s"]
    ratio = round(ours_rate / base_rate, 3) if base_rate else None
    figures = {
        "benchmark": "fanout",
        "viewers": args.viewers,
        "seconds": args.seconds,
        "workers": args.workers,
        "likes_per_s_target": args.likes_per_s,
        "fanout": ours.pop("fanout"),
        "app": ours,
        "baseline": base,
        "delivery_ratio": ratio,
        "machine_cores": os.cpu_count(),
        "client_max_cpu_pct": max(_client_peaks(ours), _client_peaks(base)),
        "goal_met": bool(ratio and ratio >= 1.0 and ours["publish_to_receipt_ms_p99"] <= 250),
    }
    if not args.no_write:
        write_section("fanout", fanout_report.section(args, figures))
    return figures


def _client_peaks(figures: dict[str, Any]) -> float:
    """The busiest client process: near 100 (% of a core) it, not the server, was the limit."""
    cpu = figures["client_cpu_pct"]
    return float(max([*cpu["viewers"], cpu["likers"]]))
