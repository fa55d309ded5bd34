"""Stable problem types of pre-live reminders."""

from __future__ import annotations

from server.kernel.problems import Conflict


class SessionNotScheduled(Conflict):
    slug, title = "session-not-scheduled", "Reminders are open only before the session goes live"
