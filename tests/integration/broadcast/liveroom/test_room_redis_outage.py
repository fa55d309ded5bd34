"""Fault test: Redis is SIGKILLed under two app workers (two processes) with open room sockets, then restarted
(empty) on the same port. Every socket hears it is degraded, a pin during the outage commits,
and after Redis returns every socket (old ones, and one opened after) is current again: a fresh
snapshot equal to the database, then the next pin, within 5 s of Redis answering.

Before the supervised subscriber, the workers' Channels subscriber task died on the first
ConnectionError and the sockets received nothing ever again."""

from __future__ import annotations

import contextlib
import re
import time
from typing import Any

import httpx
import pytest

from broadcast.liveroom.loader import load_room
from server.app import create_app
from tests.app_settings import make_settings
from tests.factories import auth
from tests.factories_liveroom import LiveSetup, Viewer, live_session, two_workers, viewers_on
from tests.private_redis import private_redis
from tests.waiting import eventually

pytestmark = pytest.mark.integration
RECOVERY_BOUND_S = 5.0
OUTAGE_S = 3.0


async def wait_after(v: Viewer, start: int, predicate: Any, deadline: float) -> tuple[int, dict[str, Any]]:
    """The first event at index >= `start` matching `predicate`, polled until `deadline`
    (time.monotonic()); returns its index and the event."""

    def found() -> tuple[int, dict[str, Any]] | None:
        assert v.closed is None, f"socket closed: {v.closed}; last events {v.events[-5:]}"
        return next(((i, v.events[i]) for i in range(start, len(v.events)) if predicate(v.events[i])), None)

    within_s = max(0.0, deadline - time.monotonic())
    return await eventually(found, within_s, f"an event matching after #{start} (last: {v.events[-5:]})", 0.01)


async def degraded_for(base_url: str, seconds: float) -> None:
    """Poll /healthz until a worker reports its room fan-out degraded for `seconds`."""
    async with httpx.AsyncClient(base_url=base_url, timeout=15) as client:

        async def degraded_long_enough() -> bool:
            health = await client.get("/healthz")
            assert health.status_code == 503, health.text  # Redis itself is unreachable: an error
            fanout = health.json()["checks"]["room_fanout"]
            assert fanout.startswith("degraded: room subscriber reconnecting to Redis for"), fanout
            return float(re.search(r"for ([0-9.]+)s", fanout)[1]) >= seconds  # type: ignore[index]

        await eventually(degraded_long_enough, seconds + 20, f"room fan-out reported degraded for {seconds}s", 0.1)


async def pin(live: LiveSetup, base_url: str, sku_id: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=base_url, timeout=15) as client:
        return await client.put(
            f"/api/v1/sessions/{live.session_id}/pin", json={"sku_id": sku_id}, headers=auth(live.brand_token)
        )


async def database_view(app: Any, session_id: str) -> tuple[str | None, dict[str, int]]:
    state = await load_room(app.state.sessionmaker, session_id)
    assert state is not None
    return state.pinned_sku_id, {item["sku_id"]: item["stock"] for item in state.lineup}


def snapshot_view(snapshot: dict[str, Any]) -> tuple[str | None, dict[str, int]]:
    return snapshot["pinned_sku_id"], {item["sku_id"]: item["stock"] for item in snapshot["lineup"]}


async def test_room_sockets_recover_after_redis_is_killed_and_restarted(postgres_db_url, redis_namespace, tmp_path):
    local = create_app(make_settings(postgres_db_url))  # tokens and the database's view, in this process
    with private_redis(tmp_path) as redis_server:
        env = {
            "DATABASE_URL": postgres_db_url,
            "REDIS_URL": redis_server.url,
            "REDIS_NAMESPACE": redis_namespace,
            "OUTBOX_POLL_INTERVAL_MS": "100",
        }
        with two_workers(env, tmp_path) as (server, other):
            live = await live_session(local, server.base_url)
            async with contextlib.AsyncExitStack() as stack:
                on_a, on_b = await viewers_on(live, server, 2, stack), await viewers_on(live, other, 2, stack)
                old = on_a + on_b
                # when Redis dies without a word
                redis_server.kill()
                marks = [
                    (await wait_after(v, 0, lambda e: e["type"] == "degraded", time.monotonic() + 5))[0] for v in old
                ]
                await degraded_for(server.base_url, OUTAGE_S)  # as long as the outage the issue reported
                # a pin during the outage still commits and answers
                during = await pin(live, server.base_url, live.sku_ids[1])
                assert during.status_code == 200, during.text
                # and Redis comes back, empty, on the same port
                back_at = redis_server.start()
                deadline = back_at + RECOVERY_BOUND_S
                db_view = await database_view(local, live.session_id)
                assert db_view[0] == live.sku_ids[1]
                snapshot_s = []
                for v, mark in zip(old, marks, strict=True):
                    at, snapshot = await wait_after(v, mark, lambda e: e["type"] == "snapshot", deadline)
                    snapshot_s.append(time.monotonic() - back_at)
                    assert snapshot_view(snapshot) == db_view
                    marks[old.index(v)] = at
                (newcomer,) = await viewers_on(live, other, 1, stack)
                _, joined = await wait_after(newcomer, 0, lambda e: e["type"] == "snapshot", deadline)
                assert snapshot_view(joined) == db_view
                # then the next pin reaches every socket, old and new
                after = await pin(live, other.base_url, live.sku_ids[0])
                assert after.status_code == 200, after.text
                pin_s = []
                for v, mark in zip([*old, newcomer], [*marks, 0], strict=True):
                    await wait_after(v, mark, lambda e: e["type"] == "pin" and e["sku_id"] == live.sku_ids[0], deadline)
                    pin_s.append(time.monotonic() - back_at)
                print(  # the figure the issue asks for (pytest -s shows it)
                    f"\nredis back -> fresh snapshot on every old socket: {max(snapshot_s):.2f}s;"
                    f" -> next pin on every socket: {max(pin_s):.2f}s"
                )
                for worker in (server, other):
                    async with httpx.AsyncClient(base_url=worker.base_url, timeout=15) as client:
                        assert (await client.get("/healthz")).json()["checks"]["room_fanout"] == "ok"
                    assert "Traceback" not in worker.log(), worker.log()[-3000:]
