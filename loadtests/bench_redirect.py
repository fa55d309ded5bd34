"""`python -m loadtests redirect [--quick]`: the tracked redirect `GET /l/{code}` (signed cookie,
click buffered in Redis, de-duplication and bot checks, batched writes to PostgreSQL) against a
bare Litestar route that only answers a 302 — both on uvicorn with the same worker count, in the
same run, loaded by `wrk` on loopback. Afterwards the tracked app is stopped cleanly and the
clicks in PostgreSQL are compared with the requests wrk sent (each request is a new visitor).

Needs: `wrk` (`apt-get install -y wrk`), PostgreSQL (ZX_BENCH_PG_URL, default
postgresql://postgres@127.0.0.1:5432/postgres) and Redis (ZX_BENCH_REDIS_URL, default
redis://127.0.0.1:6379/0). It creates and drops its own database and Redis namespace."""

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
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import psycopg
import redis

from loadtests.app_processes import ROOT, asgi_app, zhixiang_app

DESCRIPTION = "tracked /l/{code} redirect vs a bare Litestar 302 (wrk, 2 workers, PostgreSQL + Redis)"
SECRET = "bench-secret-key-0123456789abcdef"
PG_ADMIN = os.environ.get("ZX_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("ZX_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
LUA = Path(__file__).with_name("wrk_redirect.lua")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quick", action="store_true", help="10 s per measured run instead of 30 s")
    parser.add_argument("--duration", type=int, default=None, help="seconds per measured run")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (each takes CPU from the servers)")
    parser.add_argument("--no-write", action="store_true", help="do not rewrite the redirect section of BENCHMARKS.md")


def wrk(url: str, seconds: int, args: argparse.Namespace, nonce: str) -> dict[str, Any]:
    argv = ["wrk", "-t", str(args.threads), "-c", str(args.connections), "-d", f"{seconds}s", "--latency",
            "-s", str(LUA), url, "--", nonce]
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    figures: dict[str, Any] = {"sent": int(re.search(r"SENT (\d+)", out).group(1))}  # type: ignore[union-attr]
    figures["completed"] = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    figures["rps"] = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    figures["p99"] = re.search(r"99%\s+(\S+)", out).group(1)  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    figures["non_3xx"] = int(bad.group(1)) if bad else 0
    figures["socket_errors"] = errors.group(1).strip() if errors else "none"
    return figures


def create_database() -> str:
    name = f"zx_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"


def drop_database(url: str) -> None:
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def demo_link(env: dict[str, str], base_url: str) -> str:
    """Seed the demo (CLI), then ask the API, as a demo partner, for its link code."""
    from server.demo.seed import demo_token

    subprocess.run([sys.executable, "-m", "server.cli.main", "demo"], env={**os.environ, **env}, cwd=ROOT,
                   check=True, capture_output=True)
    headers = {"Authorization": f"Bearer {demo_token(SECRET, 'partner: Campus Deals', 'partner')}"}
    me = httpx.get(f"{base_url}/api/v1/me", headers=headers).json()
    links = httpx.get(f"{base_url}/api/v1/partners/{me['partner_id']}/links", headers=headers).json()
    return str(links[0]["code"])


def count_clicks(db_url: str) -> tuple[int, int]:
    with psycopg.connect(db_url) as conn:
        row = conn.execute("SELECT count(*) FILTER (WHERE NOT is_bot), count(*) FILTER (WHERE is_bot) "
                           "FROM clicks").fetchone()
    return int(row[0]), int(row[1])  # type: ignore[index]


def measure(args: argparse.Namespace, seconds: int, log_dir: Path, db_url: str, namespace: str) -> dict[str, Any]:
    env = {"DATABASE_URL": db_url, "REDIS_URL": REDIS_URL, "REDIS_NAMESPACE": namespace, "SECRET_KEY": SECRET,
           "LOG_LEVEL": "WARNING", "CLICK_BOT_IP_PER_MINUTE": "0", "OUTBOX_POLL_INTERVAL_MS": "1000"}
    result: dict[str, Any] = {}
    with asgi_app("loadtests.bare_redirect_app:app", args.workers, log_dir) as bare:
        wrk(f"{bare.base_url}/l/warmup", 3, args, "bare-warm")
        result["bare"] = wrk(f"{bare.base_url}/l/abcdefghijk", seconds, args, "bare")
    sent = 0
    with zhixiang_app(env, args.workers, log_dir) as app:
        code = demo_link(env, app.base_url)
        url = f"{app.base_url}/l/{code}"
        sent += wrk(url, 3, args, f"warm-{namespace}")["sent"]
        result["tracked"] = wrk(url, seconds, args, f"run-{namespace}")
        sent += result["tracked"]["sent"]
        with redis.Redis.from_url(REDIS_URL) as client:
            result["queued_at_end_of_load"] = int(client.llen(f"{namespace}:dist:clicks"))
        started = time.monotonic()
        app.stop()
        result["shutdown_s"] = round(time.monotonic() - started, 2)
    result["requests_sent_to_tracked"] = sent
    result["clicks_recorded"], result["bots_recorded"] = count_clicks(db_url)
    return result


def run(args: argparse.Namespace) -> dict[str, Any]:
    if shutil.which("wrk") is None:
        message = "wrk is not installed: `apt-get install -y wrk` (the benchmark needs a real load generator)"
        print(message, file=sys.stderr)
        return {"error": message}
    seconds = args.duration or (10 if args.quick else 30)
    namespace = f"zxbench{uuid.uuid4().hex[:8]}"
    db_url = create_database()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            raw = measure(args, seconds, Path(tmp), db_url, namespace)
    finally:
        drop_database(db_url)
        with redis.Redis.from_url(REDIS_URL) as client:
            keys = list(client.scan_iter(match=f"{namespace}:*"))
            if keys:
                client.delete(*keys)
    figures = summarise(raw, seconds, args)
    if not args.no_write:
        write_section(figures, args)
    return figures


def summarise(raw: dict[str, Any], seconds: int, args: argparse.Namespace) -> dict[str, Any]:
    bare, tracked = raw["bare"], raw["tracked"]
    return {
        "duration_s": seconds, "workers": args.workers, "connections": args.connections, "wrk_threads": args.threads,
        "bare_rps": round(bare["rps"]), "tracked_rps": round(tracked["rps"]),
        "ratio": round(tracked["rps"] / bare["rps"], 3), "bare_p99": bare["p99"], "tracked_p99": tracked["p99"],
        "clicks_per_s": round(tracked["rps"]), "tracked_non_3xx": tracked["non_3xx"],
        "tracked_socket_errors": tracked["socket_errors"], "bare_non_3xx": bare["non_3xx"],
        "requests_sent_to_tracked": raw["requests_sent_to_tracked"], "clicks_recorded": raw["clicks_recorded"],
        "bots_recorded": raw["bots_recorded"], "none_lost": raw["clicks_recorded"] == raw["requests_sent_to_tracked"],
        "queued_at_end_of_load": raw["queued_at_end_of_load"], "shutdown_s": raw["shutdown_s"],
    }


def write_section(f: dict[str, Any], args: argparse.Namespace) -> None:
    command = "python -m loadtests redirect" + (" --quick" if args.quick else "")
    body = f"""## redirect

Tracked `GET /l/{{code}}` (signed cookie, one Redis round trip for de-duplication, bot rate and
buffering, batched writes to PostgreSQL by a background flusher) vs a bare Litestar route that only
answers a 302 (`loadtests/bare_redirect_app.py`). Both: uvicorn, {f['workers']} workers, loaded by
`wrk` ({f['wrk_threads']} thread, {f['connections']} connections, {f['duration_s']} s, loopback) on
the same 2 cores as the servers, PostgreSQL and Redis. Every request is a new visitor (own
`zx_vid`), so every one must become a click; the per-IP bot rate is off (all load is from 127.0.0.1).

- machine: 2 cores (shared with the load generator, PostgreSQL, Redis and other work), {datetime.now(UTC):%Y-%m-%d %H:%M} UTC
- command: `{command}`

| figure | bare 302 | tracked redirect |
|---|---:|---:|
| requests/s | {f['bare_rps']:,} | {f['tracked_rps']:,} |
| p99 latency | {f['bare_p99']} | {f['tracked_p99']} |
| non-3xx responses | {f['bare_non_3xx']} | {f['tracked_non_3xx']} |

- ratio tracked / bare: **{f['ratio']}** (goal ≥ 0.7)
- clicks/s recorded on {f['workers']} workers: **{f['clicks_per_s']:,}** (goal ≥ 10,000)
- requests sent to the tracked route (incl. warm-up): {f['requests_sent_to_tracked']:,}; clicks in
  PostgreSQL after a clean stop: {f['clicks_recorded']:,} (bots: {f['bots_recorded']}) — none lost: **{f['none_lost']}**
- clicks still queued in Redis when the load stopped: {f['queued_at_end_of_load']:,}; clean shutdown
  (final flush included) took {f['shutdown_s']} s
"""
    path = ROOT / "BENCHMARKS.md"
    text = path.read_text()
    pattern = re.compile(r"## redirect\n.*?(?=\n## |\Z)", re.DOTALL)
    text = pattern.sub(body.rstrip("\n") + "\n", text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + body
    path.write_text(text)
