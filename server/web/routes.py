"""Pages: the front door and sign-in. Other pages (live room, consoles) live beside this module
and are added to ROUTE_HANDLERS here."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template
from pydantic import BaseModel

from server.auth.guard import TOKEN_COOKIE
from server.web import (
    checkout_page,
    console_page,
    finance_page,
    live_page,
    orders_pages,
    outbox_page,
    partner_page,
    setup_pages,
)


class SignIn(BaseModel):
    token: str
    next: str = "/"


@get("/", include_in_schema=False)
async def index(request: Request[Any, Any, Any]) -> Template:
    return Template("index.html", context={"signed_in": bool(request.cookies.get(TOKEN_COOKIE))})


@get("/signin", include_in_schema=False)
async def signin_form(next: str = "/") -> Template:
    return Template("signin.html", context={"next": next if next.startswith("/") else "/"})


@post("/signin", include_in_schema=False, status_code=303)
async def signin(data: SignIn = Body(media_type=RequestEncodingType.URL_ENCODED)) -> Response[Any]:
    target = data.next if data.next.startswith("/") and not data.next.startswith("//") else "/"
    response = Redirect(target, status_code=303)
    response.set_cookie(TOKEN_COOKIE, data.token.strip(), httponly=True, samesite="lax", max_age=7 * 86400)
    return response


@get("/signout", include_in_schema=False)
async def signout() -> Response[Any]:
    response = Redirect("/", status_code=303)
    response.delete_cookie(TOKEN_COOKIE)
    return response


ROUTE_HANDLERS: list[Any] = [
    index,
    signin_form,
    signin,
    signout,
    *live_page.ROUTE_HANDLERS,
    *console_page.ROUTE_HANDLERS,
    *setup_pages.ROUTE_HANDLERS,
    *orders_pages.ROUTE_HANDLERS,
    *partner_page.ROUTE_HANDLERS,
    *finance_page.ROUTE_HANDLERS,
    *checkout_page.ROUTE_HANDLERS,
    *outbox_page.ROUTE_HANDLERS,
]
