"""The baseline for `python -m loadtests redirect`: a bare Litestar app whose one route only
answers a 302, served by uvicorn exactly like the real app (same workers, same flags)."""

from __future__ import annotations

from litestar import Litestar, get
from litestar.response import Redirect


@get("/l/{code:str}")
async def bare_redirect(code: str) -> Redirect:
    return Redirect(f"/live/ses_bench?ref={code}", status_code=302)


@get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


app = Litestar(route_handlers=[bare_redirect, healthz], debug=False)
