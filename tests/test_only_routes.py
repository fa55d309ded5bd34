"""Routes only the error-page tests mount: a page that fails, and a page with a typed parameter
(no real page takes one since the finance desk became a client of its API)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import get


@get("/test-only/boom", include_in_schema=False)
async def boom() -> None:
    raise RuntimeError("a failure the test made on purpose")


@get("/test-only/since", include_in_schema=False)
async def since_page(since: datetime) -> str:
    return since.isoformat()


def mount(app: Any) -> Any:
    """Both routes on a built app (Litestar registers handlers after construction)."""
    app.register(boom)
    app.register(since_page)
    return app
