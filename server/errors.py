"""Every error leaves as RFC 9457 problem+json: ours, Litestar's, and the unexpected — except to a
browser that asked for HTML, which gets the same error as a page (`server/web/error_pages.py`)."""

from __future__ import annotations

from typing import Any

import stripe
import structlog
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from server.kernel.db_outage import describe, is_database_outage
from server.kernel.problems import TYPE_BASE, Problem
from server.web.error_pages import for_browsers

log = structlog.get_logger("errors")
MEDIA = "application/problem+json"
# The app itself is back within a connect timeout of the database; clients need not hurry.
DATABASE_RETRY_AFTER_S = "5"
SLUGS = {
    400: "bad-request",
    401: "not-authenticated",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    413: "too-large",
    415: "unsupported-media-type",
    429: "rate-limited",
    500: "internal-error",
    503: "service-unavailable",
}


def _problem(
    request: Request[Any, Any, Any],
    status: int,
    title: str,
    detail: str,
    slug: str | None = None,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[Any]:
    body: dict[str, Any] = {
        "type": TYPE_BASE + (slug or SLUGS.get(status, "error")),
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    body.update(extra or {})
    return Response(body, status_code=status, media_type=MEDIA, headers=headers)


def problem_handler(request: Request[Any, Any, Any], exc: Problem) -> Response[Any]:
    response = exc.to_response(request)
    response.content.setdefault("instance", request.url.path)
    return response


def _field_errors(extra: Any) -> list[dict[str, str]]:
    if not isinstance(extra, list):
        return []
    return [
        {"field": str(e.get("key") or e.get("source") or "body"), "message": str(e.get("message", ""))}
        for e in extra
        if isinstance(e, dict)
    ]


def validation_handler(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    errors = _field_errors(exc.extra)
    if not errors:
        return _problem(request, 400, "Malformed request", str(exc.detail), "malformed-request")
    names = ", ".join(e["field"] for e in errors)
    return _problem(
        request,
        422,
        "The request body or parameters are invalid",
        f"fix these fields: {names}",
        "invalid-input",
        {"errors": errors},
    )


def http_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    extra = exc.extra if isinstance(exc.extra, dict) else None
    return _problem(request, exc.status_code, str(exc.detail), str(exc.detail), extra=extra, headers=exc.headers)


def integrity_handler(request: Request[Any, Any, Any], exc: IntegrityError) -> Response[Any]:
    # Services check uniqueness first; this only catches the race between two identical requests.
    log.info("integrity conflict", error=str(exc.orig)[:200])
    return _problem(
        request,
        409,
        "Conflict",
        "the change conflicts with data written at the same moment; retry the request",
        "conflict",
    )


def database_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """The database is away, silent or saturated: a quick, retryable 503 (the request's transaction
    rolls back whole; one cut during its commit is whole or absent, and an Idempotency-Key retry
    finds it). Anything else the database layer or a socket raised is a bug: a 500 with its traceback."""
    if not is_database_outage(exc):
        return internal_handler(request, exc)
    if isinstance(exc, PoolTimeout):
        return _busy(request)
    log.warning("database unavailable", path=request.url.path, error=describe(exc))
    return _problem(
        request,
        503,
        "Database unavailable",
        "the database cannot be reached right now; retry in a few seconds (with the same Idempotency-Key, if any)",
        "database-unavailable",
        headers={"Retry-After": DATABASE_RETRY_AFTER_S},
    )


def _busy(request: Request[Any, Any, Any]) -> Response[Any]:
    # Every database connection stayed busy for the pool timeout (a flash sale, or all of them
    # waiting on a database that does not answer): a retryable 503, not a 500; a checkout retried
    # with the same Idempotency-Key returns the same order.
    log.warning("database pool exhausted", path=request.url.path)
    return _problem(
        request, 503, "Busy", "the server is at capacity; retry in a moment", "busy", headers={"Retry-After": "1"}
    )


def stripe_handler(request: Request[Any, Any, Any], exc: stripe.StripeError) -> Response[Any]:
    # A Stripe failure that a service did not translate itself: the provider, not the caller, failed.
    log.warning("stripe error", path=request.url.path, error=type(exc).__name__, message=str(exc)[:200])
    unreachable = isinstance(exc, stripe.APIConnectionError)
    status = 503 if unreachable else 502
    detail = (
        "the payment provider could not be reached; retry shortly"
        if unreachable
        else f"the payment provider refused the request: {exc.user_message or type(exc).__name__}"
    )
    return _problem(request, status, "Payment provider error", detail, "payment-provider-error")


def internal_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unhandled error", path=request.url.path)
    return _problem(
        request,
        500,
        "Internal error",
        "something went wrong on our side; it has been logged with this request's id (X-Request-ID)",
    )


_PROBLEM_HANDLERS: dict[Any, Any] = {
    Problem: problem_handler,
    ValidationException: validation_handler,
    HTTPException: http_handler,
    IntegrityError: integrity_handler,
    stripe.StripeError: stripe_handler,
    PoolTimeout: database_handler,
    DBAPIError: database_handler,
    OSError: database_handler,
    TimeoutError: database_handler,
    Exception: internal_handler,
}
EXCEPTION_HANDLERS: dict[Any, Any] = {exc: for_browsers(handler) for exc, handler in _PROBLEM_HANDLERS.items()}
