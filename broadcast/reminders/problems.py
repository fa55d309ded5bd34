"""Stable problem types of pre-live reminders."""

from __future__ import annotations

from server.kernel.problems import Conflict, NotFound, Problem, RateLimited


class SessionNotScheduled(Conflict):
    slug, title = "session-not-scheduled", "Reminders are open only before the session goes live"


class ConfirmationInvalid(NotFound):
    slug, title = "confirmation-invalid", "This confirmation link is not valid"


class ConfirmationUsed(Conflict):
    slug, title = "confirmation-used", "This confirmation link was already used or replaced by a newer one"


class ConfirmationExpired(Problem):
    status_code, slug, title = 410, "confirmation-expired", "This confirmation link has expired"


class SubscriptionsExhausted(RateLimited):
    slug, title = "reminder-subscriptions-exhausted", "Too many reminder subscriptions from this address"
