"""RFC 9457 problem details: one stable `type` per kind of error, a `detail` saying what to fix.

Domains raise the subclasses below; the app turns every exception (ours, Litestar's validation
errors, unknown routes, and anything unexpected) into `application/problem+json`."""

from __future__ import annotations

from typing import Any

from litestar.plugins.problem_details import ProblemDetailsException

TYPE_BASE = "https://zhixiang.dev/problems/"


class Problem(ProblemDetailsException):
    status_code = 400
    slug = "bad-request"
    title = "Bad request"

    def __init__(self, detail: str, *, extra: dict[str, Any] | None = None, headers: dict[str, str] | None = None):
        super().__init__(
            detail=detail,
            status_code=self.status_code,
            type_=TYPE_BASE + self.slug,
            title=type(self).title,
            extra=extra,
            headers=headers,
        )


class InvalidInput(Problem):
    status_code, slug, title = 422, "invalid-input", "The request body or parameters are invalid"


class NotAuthenticated(Problem):
    status_code, slug, title = 401, "not-authenticated", "A valid API token is required"


class Forbidden(Problem):
    status_code, slug, title = 403, "forbidden", "Your role may not do this"


class NotFound(Problem):
    status_code, slug, title = 404, "not-found", "No such resource"

    @classmethod
    def of(cls, kind: str, ident: str) -> NotFound:
        return cls(f"{kind} {ident!r} does not exist or is not yours", extra={"resource": kind, "id": ident})


class Conflict(Problem):
    status_code, slug, title = 409, "conflict", "The request conflicts with the current state"


class IllegalTransition(Problem):
    status_code, slug, title = 409, "illegal-transition", "That state change is not allowed"


class RateLimited(Problem):
    status_code, slug, title = 429, "rate-limited", "Too many requests"


class ServiceUnavailable(Problem):
    status_code, slug, title = 503, "service-unavailable", "A service this needs is not available"
