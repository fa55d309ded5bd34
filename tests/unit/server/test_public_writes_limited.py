"""Every public write has a rate limit, or is named as deliberately unlimited with a reason; and
every entry in the table names a route the app has (a renamed path would silently lose its limit)."""

from __future__ import annotations

from pathlib import Path

from server.app import create_app
from server.web.rate_limit_guard import ROUTE_ACTIONS, UNLIMITED_PUBLIC_WRITES, WHAT
from tests.app_settings import make_settings

READS = {"GET", "HEAD", "OPTIONS"}


def public_writes(tmp_path: Path) -> set[tuple[str, str]]:
    app = create_app(make_settings(f"sqlite:///{tmp_path / 'unused.db'}"))
    found = set()
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if handler.opt.get("roles") is None:
                found |= {(method, route.path_format) for method in set(handler.http_methods) - READS}
    return found


def test_every_public_write_is_limited_or_deliberately_not(tmp_path):
    writes = public_writes(tmp_path)
    assert writes - set(ROUTE_ACTIONS) - set(UNLIMITED_PUBLIC_WRITES) == set()
    assert set(ROUTE_ACTIONS) - writes == set()  # each entry is a route the app has
    assert set(ROUTE_ACTIONS.values()) <= set(WHAT)
