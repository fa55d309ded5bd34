"""The app factory: the one place where domains, settings and infrastructure meet.

Each domain's `routes` module may export:
- `ROUTE_HANDLERS`: controllers and handlers to mount;
- `EVENT_HANDLERS`: `{topic: [async handler(session, event, *, <dependency>…)]}` for outbox
  delivery; a keyword-only parameter is a dependency from `handler_providers` (`room`, …);
- `DEPENDENCIES`: `{name: Provide(…)}` registered app-wide (what one domain lends another's routes);
- `LIFESPANS`: async context managers `(app) -> …` for background work (flushers, tickers);
- `plugins(settings, redis) -> list`: Litestar plugins (e.g. Channels);
- `ASGI_FRONT_DOORS`: `(app, inner) -> asgi app` answering a route too hot for the framework's
  per-request work before Litestar sees it (the tracked redirect), handing the rest to `inner`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import redis.asyncio as aioredis
import structlog
from litestar import Litestar
from litestar.config.compression import CompressionConfig
from litestar.contrib.jinja import JinjaTemplateEngine
from litestar.datastructures import State
from litestar.di import Provide
from litestar.plugins.prometheus import PrometheusConfig
from litestar.static_files import create_static_files_router
from litestar.template import TemplateConfig

import broadcast.routes
import commission.routes
import distribution.routes
from server.auth.controllers import MeController, TokenController
from server.auth.guard import authenticate, provide_principal, role_guard
from server.dashboard import routes as dashboard_routes
from server.errors import EXCEPTION_HANDLERS
from server.events import OutboxDispatcher, RetryPolicy
from server.events import routes as events_routes
from server.kernel.client_address import trusted_client_address
from server.kernel.contracts import contract_for
from server.kernel.db import DatabaseLimits, make_engine, make_sessionmaker, session_scope
from server.kernel.db_outage import describe
from server.kernel.frame_send import SCOPE_KEY as FRAME_SEND_KEY
from server.kernel.handler_dependencies import Provider, bind_all
from server.kernel.principal import AUTHENTICATOR_STATE
from server.kernel.rate_limit import STATE_KEY as RATE_LIMITS_STATE
from server.openapi import declare_problem_responses, openapi_config
from server.ops.health import healthz
from server.ops.logs import configure_logging, request_id_middleware
from server.ops.metrics import MetricsController
from server.payments import routes as payment_routes
from server.settings import Settings, get_settings
from server.web import routes as web_routes
from server.web.checkout_front_door import checkout_front_door
from server.web.input_guard import input_guard_middleware, path_guard
from server.web.locale import register_template_globals
from server.web.rate_limit_guard import build_rate_limits, rate_limit_guard
from server.web.security_headers import security_headers
from server.web.socket_cap import room_socket_cap
from server.webhooks import routes as webhook_routes

log = structlog.get_logger("app")
WEB_DIR = Path(__file__).parent / "web"
DOMAINS: list[ModuleType] = [
    broadcast.routes,
    distribution.routes,
    commission.routes,
    payment_routes,
    events_routes,
    dashboard_routes,
    webhook_routes,
    web_routes,
]


async def provide_db(state: State) -> AsyncIterator[Any]:
    async for session in session_scope(state.sessionmaker):
        yield session


def _collect(name: str, default: Any) -> list[Any]:
    return [getattr(module, name, default) for module in DOMAINS]


def handler_providers(state: State) -> dict[str, Provider]:
    """What an outbox handler may ask for by name, read from the app's state on every call (each is
    built by a lifespan after the dispatcher, and is None in a process without it, e.g. the CLI)."""
    return {
        "room": lambda: state.get("liveroom"),
        "leaderboard": lambda: state.get("leaderboard"),
        "payment_gateway": lambda: state.get("payment_gateway"),
        "funnel_changes": lambda: state.get("funnel_changes"),
    }


def event_handlers(state: State) -> dict[str, list[Any]]:
    """Every domain's consumers by topic, their dependencies bound; a topic with no contract, or a
    dependency nobody provides, fails here, at start-up."""
    merged: dict[str, list[Any]] = {}
    for handlers in _collect("EVENT_HANDLERS", {}):
        for topic, fns in handlers.items():
            contract_for(topic)
            merged.setdefault(topic, []).extend(fns)
    return bind_all(merged, handler_providers(state))


def _dependencies() -> dict[str, Any]:
    provided: dict[str, Any] = {"db": Provide(provide_db), "principal": Provide(provide_principal)}
    for dependencies in _collect("DEPENDENCIES", {}):
        provided.update(dependencies)
    return provided


async def _stop_dispatcher(dispatcher: OutboxDispatcher) -> None:
    """Stopping drains what is committed; with the database away that fails, and nothing is lost:
    the events wait in `outbox_events` for the next start. The rest of the shutdown goes on."""
    try:
        await dispatcher.stop()
    except Exception as exc:
        log.warning("outbox not drained at shutdown; the next start delivers it", error=describe(exc))


@asynccontextmanager
async def _core_lifespan(app: Litestar) -> AsyncIterator[None]:
    dispatcher: OutboxDispatcher = app.state.dispatcher
    if app.state.settings.outbox_poll_interval_ms > 0:
        dispatcher.start()
    try:
        yield
    finally:
        await _stop_dispatcher(dispatcher)
        await app.state[RATE_LIMITS_STATE].close()
        if app.state.redis is not None:
            await _close_redis(app.state.redis)
        await app.state.engine.dispose()


async def _close_redis(redis: Any) -> None:
    """Closing fails when a connection was opened on another event loop (a test client serving
    requests on one loop and the lifespan on another): the process is stopping, so say so and go
    on to the database rather than abort the rest of the shutdown."""
    try:
        await redis.aclose()
    except Exception as exc:
        log.warning("Redis connections not closed cleanly at shutdown", error=describe(exc))


def database_limits(settings: Settings) -> DatabaseLimits:
    return DatabaseLimits(
        max_overflow=settings.db_max_overflow,
        pool_timeout_s=settings.db_pool_timeout_s,
        connect_timeout_s=settings.db_connect_timeout_s,
        statement_timeout_ms=settings.db_statement_timeout_ms,
        pool_recycle_s=settings.db_pool_recycle_s,
    )


def _dispatcher(settings: Settings, state: State) -> OutboxDispatcher:
    retry = RetryPolicy(settings.outbox_max_attempts, settings.outbox_backoff_base_s, settings.outbox_backoff_cap_s)
    interval_s = settings.outbox_poll_interval_ms / 1000
    return OutboxDispatcher(state.sessionmaker, event_handlers(state), interval_s, retry)


def _state(settings: Settings) -> dict[str, Any]:
    engine = make_engine(settings.database_url, settings.db_pool_size, database_limits(settings))
    maker = make_sessionmaker(engine)
    redis = aioredis.from_url(settings.redis_url, decode_responses=False) if settings.redis_url else None
    return {
        "settings": settings,
        "engine": engine,
        "sessionmaker": maker,
        "redis": redis,
        AUTHENTICATOR_STATE: authenticate,
        RATE_LIMITS_STATE: build_rate_limits(settings, redis),
    }


def _plugins(settings: Settings, state: dict[str, Any]) -> list[Any]:
    plugins: list[Any] = []
    for module in DOMAINS:
        factory = getattr(module, "plugins", None)
        if factory is not None:
            plugins.extend(factory(settings, state["redis"]))
    return plugins


class ZhixiangApp(Litestar):
    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "websocket":  # the rooms' frames skip the send wrappers (kernel/frame_send.py)
            scope[FRAME_SEND_KEY] = send
        await super().__call__(scope, receive, send)


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    configure_logging(settings.log_level, json_logs=settings.is_production)
    state = _state(settings)
    handlers: list[Any] = [
        healthz,
        TokenController,
        MeController,
        MetricsController,
        create_static_files_router(path="/static", directories=[WEB_DIR / "static"]),
    ]
    for route_handlers in _collect("ROUTE_HANDLERS", []):
        handlers.extend(route_handlers)
    lifespans = [_core_lifespan] + [ls for group in _collect("LIFESPANS", []) for ls in group]
    app = ZhixiangApp(
        route_handlers=handlers,
        dependencies=_dependencies(),
        guards=[rate_limit_guard, role_guard, path_guard],
        exception_handlers=EXCEPTION_HANDLERS,
        before_send=[security_headers(settings.is_production)],
        middleware=[
            request_id_middleware,
            input_guard_middleware,
            PrometheusConfig(
                app_name="zhixiang",
                prefix="zhixiang",
                exclude=["/metrics", "/static", "/ws/", "/l/"],
                group_path=True,  # label by route template: one series per route, not per URL
            ).middleware,
        ],
        plugins=_plugins(settings, state),
        lifespan=lifespans,
        state=State(state),
        template_config=TemplateConfig(
            directory=WEB_DIR / "templates", engine=JinjaTemplateEngine, engine_callback=register_template_globals
        ),
        openapi_config=openapi_config(),
        compression_config=CompressionConfig(backend="gzip", minimum_size=1024, exclude=["/ws", "/l/"]),
        request_max_body_size=1024 * 1024,
        debug=False,
    )
    app.state.dispatcher = _dispatcher(settings, app.state)  # its handlers read the app's state
    declare_problem_responses(app)
    for front_door in [door for doors in _collect("ASGI_FRONT_DOORS", []) for door in doors]:
        app.asgi_handler = front_door(app, app.asgi_handler)
    app.asgi_handler = checkout_front_door(app, app.asgi_handler)
    app.asgi_handler = room_socket_cap(app, app.asgi_handler)
    # Outermost: every layer below (the redirect's click guard, the limits, the logs) sees the client.
    app.asgi_handler = trusted_client_address(app.asgi_handler, settings.proxies)
    return app
