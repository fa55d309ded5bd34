"""One source of 'now' (UTC, aware) so tests and fast-forwarded demos can move time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

_offset_seconds = 0.0


def utcnow() -> datetime:
    return datetime.now(UTC) + timedelta(seconds=_offset_seconds)


def advance(seconds: float) -> None:
    """Fast-forward process time (demos, tests). Never called in production code paths."""
    global _offset_seconds
    _offset_seconds += seconds


def reset() -> None:
    global _offset_seconds
    _offset_seconds = 0.0


def as_utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; every value we stored was UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
