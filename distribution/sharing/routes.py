"""`/s`: open a partner's link from its share code (口令).

`GET /s/{code}` sends the visitor on to `/l/{link code}`, so the click is counted, de-duplicated
and attributed exactly as a tapped link. `GET /s?q=…` takes whatever text was pasted (the whole
share message, or the code alone) and finds the code in it; without `q` it is the paste box."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.openapi import ResponseSpec
from litestar.response import Redirect, Template
from sqlmodel import select

from distribution.models import Link
from distribution.sharing.codes import MAX_PASTE, find_code, is_share_code
from server.kernel.routing import PUBLIC

PAGE = "text/html"
PAGES = {404: ResponseSpec(str, False, "A friendly page: the code opens nothing", PAGE)}
TO_CODE = ResponseSpec(None, False, "To `/s/{code}`: the code found in the pasted text")
TO_LINK = ResponseSpec(None, False, "To the partner's tracked link `/l/{code}`, which counts the click")


def _page(status: int, **context: Any) -> Template:
    return Template("share_code.html", context=context, status_code=status, media_type=PAGE)


@get(
    "/s",
    summary="Paste a share code (口令): the box, or the link it opens",
    tags=["links"],
    opt=PUBLIC,
    responses={**PAGES, 303: TO_CODE},
    media_type=PAGE,
    status_code=200,
)
async def paste_share_code(q: str | None = None) -> Response[Any]:
    if q is None or not q.strip():
        return _page(200, pasted="", missing=False)
    code = find_code(q[:MAX_PASTE])
    if code is None:
        return _page(404, pasted=q[:200], missing=True)
    return Redirect(f"/s/{code}", status_code=303)


@get(
    "/s/{code:str}",
    summary="Open the link behind a share code (口令)",
    tags=["links"],
    opt={**PUBLIC, "friendly_not_found": True},  # any path gets the page: checked here (is_share_code)
    responses={**PAGES, 302: TO_LINK},
    media_type=PAGE,
    status_code=302,
)
async def open_share_code(request: Request[Any, Any, Any], code: str) -> Response[Any]:
    wanted = code.replace("-", "").upper()
    wanted = wanted[2:] if len(wanted) == 10 and wanted.startswith("ZX") else wanted
    if not is_share_code(wanted):
        return _page(404, pasted=code[:40], missing=True)
    async with request.app.state.sessionmaker() as db:
        link_code = (await db.exec(select(Link.code).where(Link.share_code == wanted))).first()
    if link_code is None:
        return _page(404, pasted=code[:40], missing=True)
    return Redirect(f"/l/{link_code}", status_code=302)


ROUTE_HANDLERS: list[Any] = [paste_share_code, open_share_code]
