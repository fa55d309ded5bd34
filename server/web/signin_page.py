"""Signing in and out of the pages. `/signin` checks the token before it sets the `zx_token`
cookie: a wrong one is said so on the form (401); a right one lands on the page it came from
(`?next=`, a path on this site only) or on its role's home."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template
from pydantic import BaseModel

from server.auth.guard import TOKEN_COOKIE
from server.auth.tokens import TokenService
from server.kernel.principal import Role

ROLE_HOME = {Role.BRAND: "/console", Role.PARTNER: "/partner", Role.FINANCE: "/finance", Role.ADMIN: "/admin"}
COOKIE_MAX_AGE_S = 7 * 86400
# Pages a return path must not lead back to: they would sign out again or loop.
NOT_A_RETURN = ("/signin", "/signout")


class SignIn(BaseModel):
    token: str = ""
    next: str = ""


def safe_next(candidate: str | None) -> str:
    """A return path on this site, or "" (then the role's home): never another host."""
    path = (candidate or "").strip()
    if not path.startswith("/") or path.startswith(("//", "/\\")) or any(c in path for c in "\r\n\t"):
        return ""
    return "" if path.split("?")[0] in NOT_A_RETURN else path


@get("/signin", include_in_schema=False)
async def signin_form(next: str | None = None) -> Template:
    return Template("signin.html", context={"next": safe_next(next), "wrong": False})


@post("/signin", include_in_schema=False, status_code=303)
async def signin(
    request: Request[Any, Any, Any], data: SignIn = Body(media_type=RequestEncodingType.URL_ENCODED)
) -> Response[Any]:
    token = data.token.strip()
    async with request.app.state.sessionmaker() as session:
        principal = await TokenService(session).resolve(token) if token else None
    if principal is None:
        context = {"next": safe_next(data.next), "wrong": True}
        return Template("signin.html", context=context, status_code=401)
    response = Redirect(safe_next(data.next) or ROLE_HOME[principal.role], status_code=303)
    response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="lax", max_age=COOKIE_MAX_AGE_S)
    return response


@get("/signout", include_in_schema=False)
async def signout() -> Response[Any]:
    response = Redirect("/signin", status_code=303)
    response.delete_cookie(TOKEN_COOKIE)
    return response


ROUTE_HANDLERS: list[Any] = [signin_form, signin, signout]
