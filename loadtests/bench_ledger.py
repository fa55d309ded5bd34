"""`python -m loadtests ledger [--quick]`: paid orders posting their commission entries per second
on PostgreSQL, against pgbench's built-in TPC-B on the same server in the same run, as a ratio.

Each paid order runs the real accrual path (`commission.accrual.accrue_order`: rate resolution,
frozen split, a balanced 5-leg journal transaction) in its own database transaction, from N
concurrent workers; pgbench runs TPC-B with the same number of clients, in alternating slices so
both see the same background load. Goal: ratio ≥ 0.25."""

from __future__ import annotations

import argparse
import asyncio
import re
import subprocess
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from loadtests.pg_scratch import ADMIN_URL, scratch_database

DESCRIPTION = "commission accrual (paid orders → ledger entries) per second vs pgbench TPC-B, as a ratio"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quick", action="store_true", help="short run (~25 s)")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=None)


async def _seed(url: str) -> tuple[str, list[str], list[str]]:
    from broadcast.models import Brand
    from commission.models import CommissionPolicy, CommissionRule
    from distribution.models import Partner, Partnership
    from server.kernel.db import make_engine, make_sessionmaker
    from server.kernel.ids import new_id

    engine = make_engine(url)
    async with make_sessionmaker(engine)() as s:
        brand = Brand(id=new_id("brd"), name="Bench", slug=f"bench-{new_id('brd')[-6:]}", default_currency="CNY")
        s.add(brand)
        parents = [Partner(id=new_id("ptn"), name=f"parent {i}") for i in range(10)]
        s.add_all(parents)
        await s.flush()
        partners = [Partner(id=new_id("ptn"), name=f"guide {i}", parent_id=parents[i % 10].id) for i in range(200)]
        s.add_all(partners)
        await s.flush()
        s.add_all(
            [
                Partnership(id=new_id("pts"), brand_id=brand.id, partner_id=p.id, state="approved", commission_bps=800)
                for p in partners
            ]
        )
        skus = [new_id("sku") for _ in range(20)]
        s.add_all(
            [
                CommissionRule(
                    id=new_id("cmr"),
                    brand_id=brand.id,
                    kind="sku",
                    sku_id=sku,
                    rate_bps=1200,
                    scope_key=f"{brand.id}|sku|||{sku}",
                )
                for sku in skus[:10]
            ]
        )
        s.add(CommissionPolicy(brand_id=brand.id, platform_fee_bps=300, parent_override_bps=200))
        await s.commit()
        parent_of = {p.id: p.parent_id for p in partners}
    await engine.dispose()
    return brand.id, [f"{p}:{parent_of[p]}" for p in parent_of], skus


def _payload(brand_id: str, pair: str, skus: list[str], n: int) -> dict[str, Any]:
    from server.kernel.ids import new_id

    partner, parent = pair.split(":")
    lines = [
        {"sku_id": skus[(n + i) % len(skus)], "quantity": 1, "unit_price_minor": 9900, "amount_minor": 9900}
        for i in range(2)
    ]
    return {
        "order_id": new_id("evt").replace("evt_", "ord_"),
        "brand_id": brand_id,
        "session_id": None,
        "currency": "CNY",
        "amount_minor": 19800,
        "lines": lines,
        "paid_at": (datetime.now(UTC) - timedelta(minutes=1)).isoformat(),
        "attribution": {"partner_id": partner, "parent_partner_id": parent, "self_referral": False},
    }


async def _accrue_for(
    url: str, clients: int, seconds: float, seeded: tuple[str, list[str], list[str]], offset: int
) -> tuple[int, float]:
    from commission.accrual import accrue_order
    from server.kernel.db import make_engine, make_sessionmaker

    brand_id, pairs, skus = seeded
    engine = make_engine(url, pool_size=clients)
    maker = make_sessionmaker(engine)
    done = 0
    deadline = time.perf_counter() + seconds

    async def worker(w: int) -> None:
        nonlocal done
        n = offset + w
        while time.perf_counter() < deadline:
            async with maker() as session:
                await accrue_order(session, _payload(brand_id, pairs[n % len(pairs)], skus, n))
                await session.commit()
            done += 1
            n += clients

    start = time.perf_counter()
    await asyncio.gather(*(worker(w) for w in range(clients)))
    elapsed = time.perf_counter() - start
    await engine.dispose()
    return done, elapsed


def _pgbench(url: str, clients: int, seconds: int) -> float:
    out = subprocess.run(
        ["pgbench", "-T", str(seconds), "-c", str(clients), "-j", str(clients), "-n", url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    match = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", out) or re.search(r"tps = ([0-9.]+)", out)
    if match is None:
        raise RuntimeError(f"could not read pgbench output:\n{out}")
    return float(match.group(1))


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Alternate short accrual and pgbench slices so both see the same background load."""
    from server.migrate import upgrade

    seconds = args.seconds or (10.0 if args.quick else 30.0)
    rounds = 2 if args.quick else 3
    orders, elapsed, tps = 0, 0.0, []
    with scratch_database("ledger") as url, scratch_database("pgbench") as bench_url:
        upgrade(url)
        seeded = asyncio.run(_seed(url))
        subprocess.run(["pgbench", "-i", "-q", "-s", "1", bench_url], check=True, capture_output=True)
        for r in range(rounds):
            done, spent = asyncio.run(_accrue_for(url, args.clients, seconds / rounds, seeded, r * 10**6))
            orders, elapsed = orders + done, elapsed + spent
            tps.append(_pgbench(bench_url, args.clients, max(1, int(seconds / rounds))))
    orders_per_s, tpcb = orders / elapsed, sum(tps) / len(tps)
    figures = {
        "benchmark": "ledger",
        "clients": args.clients,
        "rounds": rounds,
        "seconds_each": round(elapsed, 1),
        "orders": orders,
        "orders_per_s": round(orders_per_s, 1),
        "pgbench_tpcb_tps": round(tpcb, 1),
        "pgbench_rounds_tps": [round(t, 1) for t in tps],
        "ratio": round(orders_per_s / tpcb, 3),
        "goal_ratio": 0.25,
        "server": ADMIN_URL.rsplit("@", 1)[-1],
    }
    print(f"accrual: {orders_per_s:.0f} orders/s  pgbench TPC-B: {tpcb:.0f} tps  ratio {orders_per_s / tpcb:.3f}")
    return figures
