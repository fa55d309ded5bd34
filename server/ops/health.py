"""/healthz: is the database reachable, is Redis (when configured)? Plus the checks domains
register in `app.state.health_checks` (name -> callable returning "ok", "degraded: …" or
"error: …"), e.g. the live room's `room_fanout`."""

from __future__ import annotations

from typing import Any

from litestar import Response, get
from litestar.datastructures import State
from sqlalchemy import text


async def _database_ok(state: State) -> str:
    try:
        async with state.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception as exc:  # health must report, not raise
        return f"error: {type(exc).__name__}"
    return "ok"


async def _redis_ok(state: State) -> str:
    redis = state.get("redis")
    if redis is None:
        return "not configured (in-process fan-out)"
    try:
        await redis.ping()
    except Exception as exc:
        return f"error: {type(exc).__name__}"
    return "ok"


def _registered(state: State) -> dict[str, str]:
    checks = state.get("health_checks") or {}
    return {name: str(check()) for name, check in checks.items()}


@get("/healthz", include_in_schema=True, tags=["operations"], summary="Liveness and dependencies")
async def healthz(state: State) -> Response[dict[str, Any]]:
    checks = {"database": await _database_ok(state), "redis": await _redis_ok(state), **_registered(state)}
    healthy = all(not v.startswith("error") for v in checks.values())
    # "degraded" shows in the body but keeps 200: the worker still serves every HTTP action, and
    # what would fix it (the supervisor reconnecting its subscription) is already under way. A
    # 503 would make a load balancer drain every worker at once (they share the one Redis) and
    # an orchestrator restart them, which cannot bring Redis back. Redis itself unreachable is
    # still an "error" of its own check above.
    whole = "ok" if all(v == "ok" or v.startswith("not configured") for v in checks.values()) else "degraded"
    body = {"status": whole, "checks": checks}
    return Response(body, status_code=200 if healthy else 503)
