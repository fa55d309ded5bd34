"""The one place a request's client address is read. Today the socket's peer (which the ASGI
server already rewrites from `X-Forwarded-For` when the peer is a proxy it trusts, loopback by
default); a trusted-proxy-aware rule replaces this function alone."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection

UNKNOWN = "unknown"  # no peer (a test transport, a unix socket): one shared bucket, never a bypass


def client_address(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    client = connection.client
    return client.host if client is not None and client.host else UNKNOWN
