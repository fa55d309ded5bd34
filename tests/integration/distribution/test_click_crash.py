"""No click lost across a worker's `kill -9`: the real app as two worker processes on PostgreSQL
and Redis, a burst of clicks, and the worker holding the flusher lease killed mid-burst. Every
click that got its 302 must reach the database exactly once, written by the surviving worker
(which takes the lease over and re-claims the dead flusher's batch)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import psycopg
import pytest
import redis

from distribution.clicks.token import verify_claim
from server.demo.seed import demo_token
from tests.live_server import ROOT, LiveServer, run_server
from tests.waiting import eventually_sync

pytestmark = pytest.mark.integration
SECRET = "test-secret-key-0123456789abcdef"  # what tests.live_server.run_server gives the server
BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) AppleWebKit/605.1.15 MicroMessenger/8.0"
CLICKS, KILL_AFTER, CONCURRENCY = 600, 150, 24


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def workers(server: LiveServer) -> list[int]:
    """The worker processes under `zhixiang serve` (not multiprocessing's resource tracker)."""
    found = []
    for pid in children(server.process.pid):
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
        if b"resource_tracker" not in cmdline:
            found.append(pid)
    return found


def flusher_pid(redis_url: str, namespace: str, candidates: list[int]) -> int:
    """The worker holding the flusher lease (its owner name starts with its pid), else any."""
    with redis.Redis.from_url(redis_url) as client:
        owner = client.get(f"{namespace}:dist:clicks:flusher")
    pid = int(owner.split(b"-")[0]) if owner else 0
    return pid if pid in candidates else candidates[0]


def partner_link(env: dict[str, str], base_url: str) -> str:
    subprocess.run(
        [sys.executable, "-m", "server.cli.main", "demo"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        env={**os.environ, "SECRET_KEY": SECRET, **env},
    )
    headers = {"Authorization": f"Bearer {demo_token(SECRET, 'partner: Campus Deals', 'partner')}"}
    me = httpx.get(f"{base_url}/api/v1/me", headers=headers).json()
    links = httpx.get(f"{base_url}/api/v1/partners/{me['partner_id']}/links", headers=headers).json()
    return str(links["items"][0]["code"])


async def burst(url: str, kill) -> tuple[list[str], int]:
    """CLICKS visitors, CONCURRENCY at a time; `kill()` once KILL_AFTER have been answered.
    Returns the click ids of the 302s received and how many requests failed."""
    answered: list[str] = []
    failed = 0
    numbers = iter(range(CLICKS))

    async def visitor(client: httpx.AsyncClient) -> None:
        nonlocal failed
        for n in numbers:
            headers = {"User-Agent": BROWSER, "Cookie": f"zx_vid=crash-visitor-{n}"}
            try:
                response = await client.get(url, headers=headers)
            except httpx.HTTPError:
                failed += 1
                continue
            if response.status_code == 302:
                claim = verify_claim(SECRET, response.cookies["zx_attr"].strip('"'))
                assert claim is not None
                answered.append(claim.click_id)
                if len(answered) == KILL_AFTER:
                    kill()
            else:
                failed += 1

    limits = httpx.Limits(max_connections=CONCURRENCY)
    async with httpx.AsyncClient(limits=limits, timeout=20, follow_redirects=False) as client:
        await asyncio.gather(*(visitor(client) for _ in range(CONCURRENCY)))
    return answered, failed


def stored(db_url: str, click_ids: list[str]) -> dict[str, int]:
    with psycopg.connect(db_url) as conn:
        rows = conn.execute("SELECT id, count(*) FROM clicks WHERE id = ANY(%s) GROUP BY id", (click_ids,)).fetchall()
    return {row[0]: int(row[1]) for row in rows}


def test_every_answered_click_survives_a_worker_killed_mid_burst(tmp_path, postgres_db_url, redis_url, redis_namespace):
    env = {
        "DATABASE_URL": postgres_db_url,
        "REDIS_URL": redis_url,
        "REDIS_NAMESPACE": redis_namespace,
        "CLICK_BOT_IP_PER_MINUTE": "0",
        "DB_POOL_SIZE": "4",
        "OUTBOX_POLL_INTERVAL_MS": "1000",
    }
    with run_server(env, workers=2, tmp_dir=tmp_path) as live:
        url = f"{live.base_url}/l/{partner_link(env, live.base_url)}"
        before = workers(live)
        assert len(before) == 2, before
        killed: list[int] = []

        def kill() -> None:
            victim = flusher_pid(redis_url, redis_namespace, before)
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)

        answered, failed = asyncio.run(burst(url, kill))
        assert killed and len(answered) > KILL_AFTER, (killed, len(answered), failed)
        found: dict[str, int] = {}

        def all_stored() -> bool:  # the surviving flusher writes what the killed one had claimed
            found.clear()
            found.update(stored(postgres_db_url, answered))
            return len(found) >= len(set(answered))

        with contextlib.suppress(AssertionError):  # the assertion below names what is missing
            eventually_sync(all_stored, 60, "every answered click stored", 0.2)
        missing = set(answered) - set(found)
        assert not missing, f"{len(missing)} answered clicks not in the database:\n{live.log()[-3000:]}"
        assert len(set(answered)) == len(answered) and set(found.values()) == {1}
