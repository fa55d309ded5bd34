"""Times given as query parameters: ISO 8601, read as UTC, and a 422 naming the parameter otherwise."""

from __future__ import annotations

from datetime import datetime

from server.kernel.clock import as_utc
from server.kernel.problems import InvalidInput


def parse_time(name: str, value: str | None) -> datetime | None:
    """`value` as an aware UTC time; None when it is empty or absent."""
    if not value:
        return None
    try:
        return as_utc(datetime.fromisoformat(value))
    except ValueError:
        raise InvalidInput(
            f"{name} must be an ISO 8601 time such as 2026-11-01T00:00:00Z, not {value!r}",
            extra={"errors": [{"field": name, "message": "not an ISO 8601 time"}]},
        ) from None
