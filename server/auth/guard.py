"""The one guard: a route that declares `opt=roles(...)` needs a valid token of one of them.

Tokens come as `Authorization: Bearer zx_…`, or — for pages and websockets, where a browser
cannot set headers — the `zx_token` cookie; a `token` query parameter only on a websocket (a URL
ends up in access logs, browser history and Referer headers, so an HTTP route never reads one)."""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.handlers.base import BaseRouteHandler
from litestar.types import Scope

from server.auth.tokens import TokenService
from server.kernel.principal import Principal
from server.kernel.problems import Forbidden, NotAuthenticated

TOKEN_COOKIE = "zx_token"
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="zhixiang"'}


def presented_token(connection: ASGIConnection) -> str | None:  # type: ignore[type-arg]
    header = connection.headers.get("authorization", "")
    if header:
        scheme, _, value = header.partition(" ")
        return value.strip() if scheme.lower() == "bearer" else ""
    websocket = connection.scope["type"] == ScopeType.WEBSOCKET
    return connection.cookies.get(TOKEN_COOKIE) or (connection.query_params.get("token") if websocket else None)


async def authenticate(connection: ASGIConnection) -> Principal:  # type: ignore[type-arg]
    token = presented_token(connection)
    if not token:
        raise NotAuthenticated("send an API token: `Authorization: Bearer zx_…`", headers=CHALLENGE)
    async with connection.app.state.sessionmaker() as session:
        principal = await TokenService(session).resolve(token)
    if principal is None:
        raise NotAuthenticated(
            "this token is unknown, malformed or revoked; ask an admin for a new one", headers=CHALLENGE
        )
    return principal


async def role_guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:  # type: ignore[type-arg]
    allowed = handler.opt.get("roles")
    if allowed is None:
        return
    principal = await authenticate(connection)
    if principal.role not in allowed:
        names = ", ".join(sorted(r.value for r in allowed))
        raise Forbidden(f"role {principal.role.value!r} may not call this; allowed: {names}")
    connection.scope.setdefault("state", {})["principal"] = principal


async def provide_principal(scope: Scope) -> Principal:
    principal = scope.get("state", {}).get("principal")
    if principal is None:  # a public route asked for a principal: a programming error, say so plainly
        raise NotAuthenticated("this route needs a token")
    return principal  # type: ignore[no-any-return]
