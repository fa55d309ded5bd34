"""The ASGI servers `zhixiang serve` can run the app on, with the same behaviour on each: N worker
processes respawned if one dies, a graceful stop on SIGTERM (in-flight requests finish, then each
worker's lifespan shutdown flushes its clicks). Neither server reads `X-Forwarded-For`: the app
applies its own rule (`TRUSTED_PROXIES`, `server/kernel/client_address.py`), identically on both.

`python -m loadtests redirect` measures both, each serving the bare 302 and the full app."""

from __future__ import annotations

from typing import Any

from server.websocket_options import WEBSOCKET_OPTIONS

SERVERS = ("uvicorn", "granian")
GRACEFUL_S = 10


def run_uvicorn(target: str, host: str, port: int, workers: int, factory: bool = True) -> None:
    import uvicorn

    uvicorn.run(
        target,
        factory=factory,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        timeout_graceful_shutdown=GRACEFUL_S,
        **WEBSOCKET_OPTIONS,
        loop="uvloop",
        http="httptools",
        proxy_headers=False,  # the app decides whom to believe (TRUSTED_PROXIES)
    )


def run_granian(target: str, host: str, port: int, workers: int, factory: bool = True) -> None:
    from granian import Granian
    from granian.constants import Interfaces, Loops

    server: Any = Granian(
        target,
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        workers=workers,
        loop=Loops.uvloop,
        factory=factory,
        log_level="warning",  # type: ignore[arg-type]
        respawn_failed_workers=True,
        workers_kill_timeout=GRACEFUL_S,
    )
    server.serve()


def run(server: str, host: str, port: int, workers: int) -> None:
    if server == "granian":
        run_granian("server.app:create_app", host, port, workers)
    else:
        run_uvicorn("server.app:create_app", host, port, workers)
