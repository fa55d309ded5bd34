"""flashsale: one SKU with 1,000 units, 20,000 concurrent purchase attempts, over HTTP.

Path measured: HTTP `POST /api/v1/sessions/{id}/checkout` against a real server (uvicorn,
`zhixiang serve`, 2 worker processes sharing the stock gate in Redis by default) on a fresh
PostgreSQL database, with localstripe on loopback (checkout itself no longer calls it: the
PaymentIntent is made when the buyer presses Pay, `POST /api/v1/checkout/orders/{id}/payment-intent`,
which is not part of this path). Every attempt is a different viewer whose cart already holds one
unit (the carts are written straight into the database before the clock starts: the sale is the
moment everyone presses "pay"). Checked after the run: exactly `units` orders, 0 oversold, and
free + held + sold = units.

Baseline, same run: the same conditional update (`UPDATE skus SET stock = stock - 1 WHERE id = $1
AND stock >= 1`, one transaction per attempt) fired straight at PostgreSQL through asyncpg with
the same number of attempts in flight. The ratio says what the app's checkout costs on top of
the bare statement (HTTP, validation, the stock gate, and for the winners the cart lock, the order
rows, the outbox event)."""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from loadtests.flashsale_report import figures, write_flashsale_section
from loadtests.pg_scratch import scratch_database
from loadtests.processes import LOCALSTRIPE_KEY, cli, serve_app, serve_localstripe
from loadtests.service_urls import REDIS_URL

WEBHOOK_SECRET = "whsec_zhixiang_bench_0123456789"  # no webhook is registered: the sale ends at the reservation
DESCRIPTION = "checkout flash sale: N units, M concurrent purchase attempts over HTTP vs a bare conditional UPDATE"
ROOT = Path(__file__).resolve().parent.parent


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--attempts", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=200, help="attempts in flight at once")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes (>1 uses Redis)")
    parser.add_argument("--redis-url", default=REDIS_URL, help="Redis for the stock gate (ZX_BENCH_REDIS_URL)")
    parser.add_argument("--quick", action="store_true", help="100 units, 2,000 attempts (< 60 s)")
    parser.add_argument("--no-write", action="store_true", help="do not rewrite the flashsale section of BENCHMARKS.md")


def run(args: argparse.Namespace) -> dict[str, Any]:
    if args.quick:
        args.units, args.attempts = 100, 2000
    return asyncio.run(_run(args))


async def _run(args: argparse.Namespace) -> dict[str, Any]:
    with scratch_database("flashsale") as db_url, serve_localstripe() as stripe:
        env = {
            "DATABASE_URL": db_url,
            "STRIPE_API_KEY": LOCALSTRIPE_KEY,
            "STRIPE_API_BASE": stripe.base_url,
            "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "ORDER_SWEEP_INTERVAL_S": "0",
            "DB_POOL_SIZE": "20",
            "LOG_LEVEL": "WARNING",
            # The crowd comes from one loopback address: the per-client hold cap would measure itself.
            "UNPAID_HOLDS_PER_CLIENT": "0",
        }
        if args.workers > 1:  # one stock gate for all workers: Redis (one worker alone keeps it in memory)
            env |= {"REDIS_URL": args.redis_url, "REDIS_NAMESPACE": f"zxb{uuid.uuid4().hex[:8]}"}
        with serve_app(env, workers=args.workers) as server:
            session_id, sku_id = _seed(server.base_url, env, args.units)
            visitors = await _fill_carts(db_url, session_id, sku_id, args.attempts)
            app = await _sale(server.base_url, session_id, visitors, args.concurrency)
            app |= await _audit(db_url, sku_id, args.units)
        baseline = await _baseline(db_url, args.units, args.attempts, args.concurrency)
    found = figures(args, app, baseline)
    if not args.no_write:
        write_flashsale_section(args, found)
    return found


def _admin_token(env: dict[str, str]) -> str:
    return cli(env, "token", "create", "--role", "admin").split()[-1]


def _seed(base: str, env: dict[str, str], units: int) -> tuple[str, str]:
    http = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {_admin_token(env)}"}, timeout=30)
    brand = http.post(
        "/api/v1/brands",
        json={
            "name": "Flash",
            "slug": f"flash-{uuid.uuid4().hex[:6]}",
            "default_currency": "CNY",
            # every unit may be held unpaid at once: the bench measures the gate, not the share cap
            "settings": {"per_buyer_limit_per_sku": 1, "unpaid_hold_share_bps": 10_000},
        },
    ).json()
    sku = http.post(
        f"/api/v1/brands/{brand['id']}/skus",
        json={"code": "HOT-1", "title": "Flash item", "price_minor": 1990, "stock": units},
    ).json()
    start = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    live = http.post(
        f"/api/v1/brands/{brand['id']}/sessions", json={"title": "Flash", "scheduled_start_at": start}
    ).json()
    http.post(f"/api/v1/sessions/{live['id']}/lineup", json={"sku_id": sku["id"]}).raise_for_status()
    http.post(f"/api/v1/sessions/{live['id']}/state", json={"state": "live"}).raise_for_status()
    return live["id"], sku["id"]


async def _fill_carts(db_url: str, session_id: str, sku_id: str, attempts: int) -> list[str]:
    visitors = [f"v{uuid.uuid4().hex}" for _ in range(attempts)]
    now = datetime.now(UTC)
    conn = await asyncpg.connect(db_url)
    try:
        await conn.copy_records_to_table(
            "cart_items",
            columns=["id", "session_id", "visitor_id", "sku_id", "quantity", "created_at", "updated_at"],
            records=[(f"cit_{v[1:27]}", session_id, v, sku_id, 1, now, now) for v in visitors],
        )
    finally:
        await conn.close()
    return visitors


async def _sale(base: str, session_id: str, visitors: list[str], concurrency: int) -> dict[str, Any]:
    # aiohttp rather than httpx for the load generator: it shares the cores with the server, and
    # aiohttp's client costs less CPU per request.
    import aiohttp

    gate = asyncio.Semaphore(concurrency)
    retried: list[str] = []
    body = {"contact": {"email": "buyer@example.com"}, "shipping_address": "1 Flash St"}
    url = f"{base}/api/v1/sessions/{session_id}/checkout"
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=300)) as http:

        async def attempt(vid: str) -> tuple[int | str, float]:  # (answer, when it started)
            headers = {"Cookie": f"zx_vid={vid}", "Idempotency-Key": f"k-{vid}"}
            async with gate:
                started = time.perf_counter()
                for tries_left in (2, 1, 0):  # a transport error is retried with the same key: same order
                    try:
                        async with http.post(url, json=body, headers=headers) as response:
                            await response.read()
                        if response.status != 503 or not tries_left:
                            return response.status, started
                        retried.append("503")  # at capacity: retry like a client would, same key
                        await asyncio.sleep(float(response.headers.get("Retry-After", "1")))
                    except aiohttp.ClientError as exc:
                        retried.append(type(exc).__name__)
                        if not tries_left:
                            return type(exc).__name__, started
                raise AssertionError("unreachable")

        async def timed(vid: str) -> tuple[int | str, float, float]:  # (answer, seconds taken, ended at)
            code, began = await attempt(vid)
            ended = time.perf_counter()
            return code, ended - began, ended - started

        started = time.perf_counter()
        results = await asyncio.gather(*(timed(v) for v in visitors))
        elapsed = time.perf_counter() - started
    return _sale_figures(results, elapsed, len(retried))


def _sale_figures(results: list[tuple[int | str, float, float]], elapsed: float, retries: int) -> dict[str, Any]:
    """Answers by status, latency for all, for winners (201) and for those turned away, and when the
    last winner was answered (the sell-out, seen from the crowd)."""
    codes: dict[int | str, int] = {}
    for code, _, _ in results:
        codes[code] = codes.get(code, 0) + 1
    won = [r for r in results if r[0] == 201]
    return {
        "elapsed_s": elapsed,
        "codes": codes,
        "latencies_ms": sorted(seconds * 1000 for _, seconds, _ in results),
        "winners_ms": sorted(seconds * 1000 for _, seconds, _ in won),
        "losers_ms": sorted(seconds * 1000 for code, seconds, _ in results if code != 201),
        "sold_out_after_s": max((ended for _, _, ended in won), default=0.0),
        "retries": retries,
    }


async def _audit(db_url: str, sku_id: str, units: int) -> dict[str, Any]:
    conn = await asyncpg.connect(db_url)
    try:
        free = await conn.fetchval("SELECT stock FROM skus WHERE id = $1", sku_id)
        held, sold = await conn.fetchrow(
            "SELECT coalesce(sum(reserved_units),0), coalesce(sum(sold_units),0) FROM stock_counters WHERE sku_id = $1",
            sku_id,
        )
        ordered = await conn.fetchval("SELECT coalesce(sum(quantity),0) FROM order_lines WHERE sku_id = $1", sku_id)
    finally:
        await conn.close()
    return {
        "free": free,
        "held": int(held),
        "sold_paid": int(sold),
        "ordered_units": int(ordered),
        "conserved": free + held + sold == units,
    }


async def _baseline(db_url: str, units: int, attempts: int, concurrency: int) -> dict[str, Any]:
    pool = await asyncpg.create_pool(db_url, min_size=min(concurrency, 50), max_size=min(concurrency, 50))
    try:
        await pool.execute("CREATE TABLE bench_stock (id text PRIMARY KEY, stock int NOT NULL CHECK (stock >= 0))")
        await pool.execute("INSERT INTO bench_stock VALUES ('sku', $1)", units)

        async def attempt() -> float:
            started = time.perf_counter()
            await pool.execute("UPDATE bench_stock SET stock = stock - 1 WHERE id = 'sku' AND stock >= 1")
            return time.perf_counter() - started

        gate = asyncio.Semaphore(concurrency)

        async def gated() -> float:
            async with gate:
                return await attempt()

        started = time.perf_counter()
        latencies = await asyncio.gather(*(gated() for _ in range(attempts)))
        elapsed = time.perf_counter() - started
        left = await pool.fetchval("SELECT stock FROM bench_stock WHERE id = 'sku'")
    finally:
        await pool.close()
    return {"elapsed_s": elapsed, "sold": units - left, "latencies_ms": sorted(x * 1000 for x in latencies)}
