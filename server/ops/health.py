"""/healthz: is the database reachable, is Redis (when configured)? Plus the checks domains
register in `app.state.health_checks` (name -> callable returning "ok", "degraded: …" or
"error: …"), e.g. the live room's `room_fanout`.

It answers within a second whatever the dependencies do: both checks run at once, each under its
own short timeout, so a database that accepts connections and then says nothing (a dead route)
shows up as a 503 naming the check, not as a load balancer's timeout."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from litestar import Response, get
from litestar.datastructures import State
from litestar.openapi import ResponseSpec
from sqlalchemy import text

CHECK_TIMEOUT_S = 0.5


async def _bounded(check: Awaitable[object]) -> str:
    try:
        await asyncio.wait_for(check, CHECK_TIMEOUT_S)
    except TimeoutError:
        return f"error: no answer within {CHECK_TIMEOUT_S}s"
    except Exception as exc:  # health must report, not raise
        return f"error: {type(exc).__name__}"
    return "ok"


async def _ping_database(state: State) -> None:
    async with state.engine.connect() as conn:
        await conn.execute(text("SELECT 1"))


async def _redis_ok(state: State) -> str:
    redis = state.get("redis")
    if redis is None:
        return "not configured (in-process fan-out)"
    return await _bounded(redis.ping())


def _registered(state: State) -> dict[str, str]:
    checks = state.get("health_checks") or {}
    return {name: str(check()) for name, check in checks.items()}


DOWN = ResponseSpec(dict[str, Any], False, "A dependency is down: the same body says which", "application/json")


@get("/healthz", tags=["operations"], summary="Liveness and dependencies", responses={503: DOWN})
async def healthz(state: State) -> Response[dict[str, Any]]:
    database, redis = await asyncio.gather(_bounded(_ping_database(state)), _redis_ok(state))
    checks = {"database": database, "redis": redis, **_registered(state)}
    healthy = all(not v.startswith("error") for v in checks.values())
    # "degraded" shows in the body but keeps 200: the worker still serves every HTTP action, and
    # what would fix it (the supervisor reconnecting its subscription) is already under way. A
    # 503 would make a load balancer drain every worker at once (they share the one Redis) and
    # an orchestrator restart them, which cannot bring Redis back. Redis itself unreachable is
    # still an "error" of its own check above.
    whole = "ok" if all(v == "ok" or v.startswith("not configured") for v in checks.values()) else "degraded"
    body = {"status": whole, "checks": checks}
    return Response(body, status_code=200 if healthy else 503, headers=None if healthy else {"Retry-After": "5"})
