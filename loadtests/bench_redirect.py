"""`python -m loadtests redirect [--quick]`: the tracked redirect `GET /l/{code}` (signed cookie,
click appended to the Redis stream before the 302, de-duplication and bot checks, batched writes
to PostgreSQL by the leased flusher) against a bare Litestar route that only answers a 302 — on
each ASGI server (uvicorn with uvloop/httptools, and Granian), each serving both apps with the same
worker count in the same run, loaded by `wrk` on loopback. Afterwards each tracked app is stopped
cleanly and the clicks in PostgreSQL are compared with the requests wrk sent (each request is a
new visitor). The server with the most clicks/s is the one `zhixiang serve` should default to.

Needs: `wrk` (installed with apt-get when missing and run as root; otherwise it says how),
PostgreSQL (ZX_BENCH_PG_URL, default postgresql://postgres@127.0.0.1:5432/postgres) and Redis
(ZX_BENCH_REDIS_URL, default redis://127.0.0.1:6379/0). It creates and drops its own database
and Redis namespace."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import psycopg
import redis

from loadtests.pg_scratch import scratch_database
from loadtests.processes import ROOT, serve_app, serve_asgi
from loadtests.redirect_report import summarise, write_section
from loadtests.service_urls import REDIS_URL

DESCRIPTION = "tracked /l/{code} redirect vs a bare Litestar 302 on uvicorn and Granian (wrk, 2 workers)"
SECRET = "bench-secret-key-0123456789abcdef"
LUA = Path(__file__).with_name("wrk_redirect.lua")
FIRST_SENT = 2  # wrk builds one request per thread before the run and never sends it


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quick", action="store_true", help="2 rounds instead of 6 (about 45 s in all)")
    parser.add_argument("--duration", type=int, default=None, help="seconds per measured run (default 5)")
    parser.add_argument("--rounds", type=int, default=None, help="alternating bare/tracked rounds (default 6, quick 2)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (each takes CPU from the servers)")
    parser.add_argument("--no-write", action="store_true", help="do not rewrite the redirect section of BENCHMARKS.md")
    parser.add_argument(
        "--servers", default="uvicorn,granian", help="comma-separated ASGI servers to measure (uvicorn, granian)"
    )


def ensure_wrk() -> str | None:
    """wrk on PATH, installing Debian's package when missing (as root); an error message otherwise."""
    if shutil.which("wrk"):
        return None
    if shutil.which("apt-get") and os.geteuid() == 0:
        print("wrk missing: apt-get install -y wrk", file=sys.stderr)
        for step in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "wrk"]):
            subprocess.run(
                step, check=False, capture_output=True, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
            )
        if shutil.which("wrk"):
            return None
    return "wrk is not installed and could not be installed: `sudo apt-get install -y wrk`"


def wrk(url: str, seconds: int, args: argparse.Namespace, nonce: str) -> dict[str, Any]:
    # A long timeout: wrk abandons a slow request by resetting its socket, and the kernel then
    # drops the unread request, so the count check could not tell that from a lost click.
    argv = [
        "wrk",
        "-t",
        str(args.threads),
        "-c",
        str(args.connections),
        "-d",
        f"{seconds}s",
        "--latency",
        "--timeout",
        "30s",
        "-s",
        str(LUA),
        url,
        "--",
        nonce,
    ]
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    figures: dict[str, Any] = {"sent": int(re.search(r"SENT (\d+)", out).group(1))}  # type: ignore[union-attr]
    figures["completed"] = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    figures["rps"] = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    figures["p99"] = re.search(r"^\s+99%\s+(\S+)", out, re.MULTILINE).group(1)  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    figures["non_3xx"] = int(bad.group(1)) if bad else 0
    figures["socket_errors"] = errors.group(1).strip() if errors else "none"
    return figures


def demo_link(env: dict[str, str], base_url: str) -> str:
    """Seed the demo (CLI), then ask the API, as a demo partner, for its link code."""
    from server.demo.seed import demo_token

    subprocess.run(
        [sys.executable, "-m", "server.cli.main", "demo"],
        env={**os.environ, **env},
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    headers = {"Authorization": f"Bearer {demo_token(SECRET, 'partner: Campus Deals', 'partner')}"}
    me = httpx.get(f"{base_url}/api/v1/me", headers=headers).json()
    links = httpx.get(f"{base_url}/api/v1/partners/{me['partner_id']}/links", headers=headers).json()
    return str(links["items"][0]["code"])


def count_clicks(db_url: str, connections: int, server_name: str) -> dict[str, int]:
    """Counted clicks, bots and duplicates of one server's runs, and the request numbers missing:
    visitor ids are `bench-<run>-t<thread>-<n>` (the run names the server) with n = 2, 3, … per
    wrk thread (wrk calls `request()` once per thread before it connects for real; number 1 is
    never sent). A number missing among the last `connections` of a run is a request in flight
    when wrk closed its sockets (never answered); one missing further back would be a click lost."""
    pattern = f"bench-{server_name}%"
    with psycopg.connect(db_url) as conn:
        counted, bots, duplicates = conn.execute(
            "SELECT count(*) FILTER (WHERE NOT is_bot AND NOT is_duplicate), count(*) FILTER (WHERE is_bot), "
            "count(*) FILTER (WHERE is_duplicate) FROM clicks WHERE visitor_id LIKE %s",
            (pattern,),
        ).fetchone()  # type: ignore[misc]
        rows = conn.execute("SELECT visitor_id FROM clicks WHERE visitor_id LIKE %s", (pattern,)).fetchall()
    numbers: dict[str, set[int]] = {}
    for (visitor,) in rows:
        _, run_id, thread, n = visitor.split("-")
        numbers.setdefault(f"{run_id}-{thread}", set()).add(int(n))
    in_flight = lost = 0
    for seen in numbers.values():
        top = max(seen)
        missing = set(range(FIRST_SENT, top + 1)) - seen
        lost += sum(1 for n in missing if n <= top - connections)
        in_flight += sum(1 for n in missing if n > top - connections)
    return {
        "counted": int(counted),
        "bots": int(bots),
        "duplicates": int(duplicates),
        "sent_by_numbers": sum(max(seen) - FIRST_SENT + 1 for seen in numbers.values()),
        "in_flight": in_flight,
        "lost": lost,
    }


def measure(
    args: argparse.Namespace, seconds: int, log_dir: Path, db_url: str, namespace: str, server_name: str
) -> dict[str, Any]:
    """One server with both apps up at once; short bare/tracked runs alternate so that noise from
    anything else on the machine falls on both alike."""
    env = {
        "DATABASE_URL": db_url,
        "REDIS_URL": REDIS_URL,
        "REDIS_NAMESPACE": namespace,
        "SECRET_KEY": SECRET,
        "LOG_LEVEL": "WARNING",
        "CLICK_BOT_IP_PER_MINUTE": "0",
        "OUTBOX_POLL_INTERVAL_MS": "1000",
    }
    runs: dict[str, list[dict[str, Any]]] = {"bare": [], "tracked": []}
    with (
        serve_asgi("loadtests.bare_redirect_app:app", args.workers, server_name=server_name, log_dir=log_dir) as bare,
        serve_app(env, args.workers, server_name, log_dir) as app,
    ):
        urls = {"bare": f"{bare.base_url}/l/abcdefghijk", "tracked": f"{app.base_url}/l/{demo_link(env, app.base_url)}"}
        for name, url in urls.items():
            runs[name].append(wrk(url, 3, args, f"{server_name}warm{name}{namespace}"))
        for round_no in range(args.rounds):
            for name, url in urls.items():
                runs[name].append(wrk(url, seconds, args, f"{server_name}r{round_no}{name}{namespace}"))
        started = time.monotonic()
        app.stop()
        shutdown_s = round(time.monotonic() - started, 2)
    return {"runs": runs, "shutdown_s": shutdown_s, "clicks": count_clicks(db_url, args.connections, server_name)}


def run(args: argparse.Namespace) -> dict[str, Any]:
    error = ensure_wrk()
    if error:
        print(error, file=sys.stderr)
        return {"error": error}
    seconds = args.duration or 5
    args.rounds = args.rounds or (2 if args.quick else 6)
    namespace = f"zxbench{uuid.uuid4().hex[:8]}"
    servers = [name.strip() for name in args.servers.split(",") if name.strip()]
    raw: dict[str, Any] = {}
    try:
        with scratch_database("redirect") as db_url, tempfile.TemporaryDirectory() as tmp:
            for server_name in servers:
                raw[server_name] = measure(args, seconds, Path(tmp), db_url, f"{namespace}{server_name}", server_name)
    finally:
        with redis.Redis.from_url(REDIS_URL) as client:
            keys = list(client.scan_iter(match=f"{namespace}*"))
            if keys:
                client.delete(*keys)
    figures = {name: summarise(raw[name], seconds, args) for name in servers}
    figures["fastest_server"] = max(servers, key=lambda name: figures[name]["clicks_per_s"])
    if not args.no_write:
        write_section(figures, args, servers)
    return figures
