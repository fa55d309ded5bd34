"""/healthz: is the database reachable, is Redis (when configured)?"""

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


@get("/healthz", include_in_schema=True, tags=["operations"], summary="Liveness and dependencies")
async def healthz(state: State) -> Response[dict[str, Any]]:
    checks = {"database": await _database_ok(state), "redis": await _redis_ok(state)}
    healthy = all(not v.startswith("error") for v in checks.values())
    body = {"status": "ok" if healthy else "degraded", "checks": checks}
    return Response(body, status_code=200 if healthy else 503)
