"""Is this exception the database being away (a retryable 503) or a bug (a 500)?

An unreachable, restarting, full or silent database must cost a request a quick 503, never a
hang or a 500; whatever else the database layer raises (a bad query, a constraint a service did
not check, a connection used wrongly) is a bug and stays a 500 with its traceback. The driver
raises connection failures as plain OSError / TimeoutError, so those count only when they were
raised inside the database driver — a missing template file is an OSError too."""

from __future__ import annotations

import traceback

from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

DRIVER_MODULES = ("asyncpg.", "sqlalchemy.", "aiosqlite.")
# SQLSTATE 08 connection exception, 53 insufficient resources ("too many clients"), 57P01-03
# shutdown / starting up, 57014 statement timeout.
OUTAGE_SQLSTATES = ("08", "53", "57P", "57014")
SQLITE_BUSY = "database is locked"


def is_database_outage(exc: BaseException) -> bool:
    if isinstance(exc, PoolTimeout):
        return True
    if isinstance(exc, DBAPIError):
        return bool(exc.connection_invalidated) or _outage_error(exc.orig)
    if isinstance(exc, OSError | TimeoutError):
        return raised_by_driver(exc)
    return False


def _outage_error(orig: BaseException | None) -> bool:
    while orig is not None:
        sqlstate = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
        if isinstance(sqlstate, str) and sqlstate.startswith(OUTAGE_SQLSTATES):
            return True
        if SQLITE_BUSY in str(orig) or isinstance(orig, OSError | TimeoutError):
            return True
        orig = orig.__cause__
    return False


def raised_by_driver(exc: BaseException) -> bool:
    for frame, _ in traceback.walk_tb(exc.__traceback__):
        if str(frame.f_globals.get("__name__", "")).startswith(DRIVER_MODULES):
            return True
    return False


def describe(exc: BaseException) -> str:
    """One short line for the log: the driver's error, not SQLAlchemy's wrapper and its SQL."""
    inner = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    return f"{type(inner).__name__}: {str(inner).splitlines()[0] if str(inner) else ''}"[:200]
