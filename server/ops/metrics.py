"""/metrics: Litestar's request metrics plus the outbox backlog.

The backlog gauges are read from the database on each scrape (one query, `read_backlog`) into a
registry of their own, so every worker answers with the same current numbers and no stale value
survives in a multi-process gauge file. If the database is away, the scrape still answers with the
request metrics and without the backlog series (their absence is the alert).

Who may scrape: a client presenting `Authorization: Bearer METRICS_TOKEN`, or one whose address
is in `METRICS_ALLOW` (loopback outside production unless set; nobody in production). The request
series are labelled by route template, so their number is bounded by the app's routes."""

from __future__ import annotations

import hmac
import os

import structlog
from litestar import Response, get
from litestar.connection import ASGIConnection
from litestar.datastructures import State
from litestar.handlers.base import BaseRouteHandler
from litestar.plugins.prometheus import PrometheusController
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Gauge, generate_latest, multiprocess

from server.events.backlog import read_backlog
from server.kernel.client_address import client_address
from server.kernel.problems import Forbidden

log = structlog.get_logger("metrics")


def _request_metrics() -> bytes:
    registry = REGISTRY
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ or "prometheus_multiproc_dir" in os.environ:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return generate_latest(registry)


async def _backlog_metrics(state: State) -> bytes:
    try:
        async with state.sessionmaker() as session:
            backlog = await read_backlog(session)
    except Exception as exc:  # a scrape must answer even when the database does not
        log.warning("outbox backlog not read", error=repr(exc))
        return b""
    registry = CollectorRegistry()
    gauges = {
        "zhixiang_outbox_undelivered_events": (
            "Outbox events some consumer still has to handle",
            backlog.undelivered_events,
        ),
        "zhixiang_outbox_dead_letters": ("Consumers that gave up on an event (replay to retry)", backlog.dead_letters),
        "zhixiang_outbox_oldest_undelivered_age_seconds": (
            "Age of the oldest undelivered outbox event",
            backlog.oldest_undelivered_age_s,
        ),
    }
    for name, (doc, value) in gauges.items():
        Gauge(name, doc, registry=registry).set(value)
    return generate_latest(registry)


def _presents_token(connection: ASGIConnection, token: str | None) -> bool:  # type: ignore[type-arg]
    scheme, _, value = connection.headers.get("authorization", "").partition(" ")
    return bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(value.strip(), token or "")


async def metrics_access_guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:  # type: ignore[type-arg]
    settings = connection.app.state.settings
    if _presents_token(connection, settings.metrics_token):
        return
    if settings.metrics_allowed.contains(client_address(connection.scope)):
        return
    raise Forbidden("metrics are served to METRICS_TOKEN (Authorization: Bearer …) or to METRICS_ALLOW addresses")


class MetricsController(PrometheusController):
    guards = [metrics_access_guard]

    @get(media_type="text/plain", tags=["operations"], summary="Prometheus metrics", raises=[Forbidden])
    async def get(self, state: State) -> Response[bytes]:
        body = _request_metrics() + await _backlog_metrics(state)
        return Response(body, status_code=200, headers={"Content-Type": CONTENT_TYPE_LATEST})
