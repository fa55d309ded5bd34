"""The ASGI servers `zhixiang serve` can run the app on, with the same behaviour on each: N worker
processes respawned if one dies, a graceful stop on SIGTERM (in-flight requests finish, then each
worker's lifespan shutdown flushes its clicks), `X-Forwarded-For` trusted from loopback only.

`python -m loadtests redirect` measures both, each serving the bare 302 and the full app."""

from __future__ import annotations

from typing import Any

from server.websocket_options import WEBSOCKET_OPTIONS

SERVERS = ("uvicorn", "granian")
GRACEFUL_S = 10
TRUSTED_PROXIES = "127.0.0.1"


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
        forwarded_allow_ips=TRUSTED_PROXIES,
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


def create_proxied_app() -> Any:
    """The app for Granian, which does not read `X-Forwarded-For` itself (uvicorn does, from
    loopback): the per-IP click guard must see the visitor behind a local proxy, not the proxy."""
    from granian.utils.proxies import wrap_asgi_with_proxy_headers

    from server.app import create_app

    return wrap_asgi_with_proxy_headers(create_app(), trusted_hosts=TRUSTED_PROXIES)


def run(server: str, host: str, port: int, workers: int) -> None:
    if server == "granian":
        run_granian("server.cli.serving:create_proxied_app", host, port, workers)
    else:
        run_uvicorn("server.app:create_app", host, port, workers)
