"""What `zhixiang serve` checks before it prints its banner: that it can listen where it was told,
and whether the Redis it was given answers. Each returns one line saying what is wrong, or None."""

from __future__ import annotations

import errno
import socket
from urllib.parse import urlsplit


def port_problem(host: str, port: int) -> str | None:
    """Bind the address the way uvicorn will (SO_REUSEADDR, so a socket in TIME_WAIT is no problem)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return f"port {port} is in use (on {host}); stop the other server or pass --port"
            return f"cannot listen on {host}:{port}: {exc.strerror or exc}"
    return None


def redis_problem(url: str, timeout_s: float = 1.0) -> str | None:
    """One PING with a short timeout; the address is shown without its password."""
    import redis

    where = urlsplit(url).hostname or url.split("://", 1)[-1]
    port = urlsplit(url).port or 6379
    try:
        redis.Redis.from_url(url, socket_connect_timeout=timeout_s, socket_timeout=timeout_s).ping()
    except Exception as exc:  # refused, timeout, auth: all mean the fan-out is not there
        return f"Redis at {where}:{port} is unreachable ({type(exc).__name__})"
    return None
