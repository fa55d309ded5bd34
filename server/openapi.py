"""The OpenAPI document says what every operation can answer, not only its success.

Every error leaves as `application/problem+json` (server/errors.py), so instead of each handler
listing its errors, `declare_problem_responses` walks the app's routes once at start-up and adds
the problem responses that follow from how the route is declared: its roles (401, 403), its path
parameters (404), its method (409), and what every route can answer (400, 422, 429, 503). A
handler's own `responses=` win, and a `Problem` it lists in `raises=` is declared with its status,
so a new route gets its problems without anyone editing this file."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from litestar.openapi import OpenAPIConfig, ResponseSpec
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityRequirement, SecurityScheme
from litestar.routes import HTTPRoute
from pydantic import BaseModel, ConfigDict

from server.kernel import problems

PROBLEM_MEDIA = "application/problem+json"
BEARER = "bearerToken"
COOKIE = "tokenCookie"
WEBSOCKET_TOKEN = "websocketToken"
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
DESCRIPTION = """Live-stream commerce distribution: brands go live, partners share, the ledger pays.

Every error is RFC 9457 `application/problem+json` with a stable `type`. Calls that need a role
take `Authorization: Bearer zx_…` (or the `zx_token` cookie the pages set). The websockets
(`/ws/room/{session_id}`, `/ws/funnel/{session_id}`) are not HTTP operations and are not listed
here; they take the cookie or a `?token=` query parameter, which no HTTP route reads."""


class Problem(BaseModel):
    """RFC 9457 problem details; some problems add fields (`errors` on a 422, `resource` and `id`
    on a 404, …)."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None


WHY = {
    400: "Malformed request: the body is not the JSON this expects, or a value cannot be parsed",
    401: "No token, or an unknown or revoked one",
    403: "The token's role may not call this",
    404: "No such resource, or it is not yours",
    409: "The request conflicts with the current state (a state change not allowed, sold out, a duplicate)",
    413: "The body is larger than the server accepts",
    422: "The body or a parameter is invalid; `errors` lists the fields",
    429: "Too many requests; retry after `Retry-After`",
    503: "The database or a provider this needs is unavailable; retry after `Retry-After`",
}


def problem_response(status: int, description: str | None = None) -> ResponseSpec:
    return ResponseSpec(
        data_container=Problem,
        media_type=PROBLEM_MEDIA,
        description=description or WHY.get(status) or HTTPStatus(status).phrase,
        generate_examples=False,
    )


# Vendored from npm (`static/vendor/…/README.md`): Swagger UI 5 reads OpenAPI 3.1, which Litestar writes.
DOCS_ASSETS = "/static/vendor/swagger-ui-5.18.2"


class OfflineSwagger(SwaggerRenderPlugin):
    """Swagger UI with its script and styles served by this app from a pinned, vendored copy
    (never a CDN: the docs must open offline and where CDNs are blocked), no remote
    favicon, and a page language for screen readers."""

    def __init__(self) -> None:
        super().__init__(
            path="/swagger",
            js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
            css_url=f"{DOCS_ASSETS}/swagger-ui.css",
            standalone_preset_js_url=f"{DOCS_ASSETS}/swagger-ui-standalone-preset.js",
            favicon="<link rel='icon' href='data:,'>",
        )

    def render(self, request: Any, openapi_schema: dict[str, Any]) -> bytes:
        return super().render(request, openapi_schema).replace(b"<html>", b'<html lang="en">', 1)


def openapi_config() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="Zhixiang API",
        version="1",
        description=DESCRIPTION,
        path="/api/docs",
        render_plugins=[OfflineSwagger()],  # the first is also the page at /api/docs
        components=Components(security_schemes=SECURITY_SCHEMES),
    )


SECURITY_SCHEMES: dict[str, Any] = {
    BEARER: SecurityScheme(type="http", scheme="bearer", bearer_format="zx_…", description="An API token"),
    COOKIE: SecurityScheme(
        type="apiKey", name="zx_token", security_scheme_in="cookie", description="Set by `/signin` for the pages"
    ),
    WEBSOCKET_TOKEN: SecurityScheme(
        type="apiKey",
        name="token",
        security_scheme_in="query",
        description="Websockets only (`/ws/…`), where a browser cannot set a header; HTTP routes ignore it",
    ),
}
TOKEN_SECURITY: list[SecurityRequirement] = [{BEARER: []}, {COOKIE: []}]


def _statuses(route: HTTPRoute, handler: HTTPRouteHandler) -> set[int]:
    statuses = {400, 422, 429, 503}  # the input guard, the rate limits and an unreachable database reach every route
    if handler.opt.get("roles") is not None:
        statuses |= {401, 403, 404}  # a token bound to another tenant hears 404
    if route.path_parameters:
        statuses.add(404)
    if handler.http_methods & WRITES:
        statuses |= {409, 413}
    return statuses


def _raised(handler: HTTPRouteHandler) -> dict[int, ResponseSpec]:
    return {
        exc.status_code: problem_response(exc.status_code, exc.title)
        for exc in handler.raises or []
        if isinstance(exc, type) and issubclass(exc, problems.Problem)
    }


def declare_problem_responses(app: Litestar) -> None:
    """Give every documented operation its problem responses and, if it needs a role, its security."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            declared = {status: problem_response(status) for status in sorted(_statuses(route, handler))}
            declared.update(_raised(handler))
            handler.responses = {**declared, **(handler.responses or {})}
            if handler.opt.get("roles") is not None and handler.security is None:
                handler.security = TOKEN_SECURITY
