"""Errors for people: a browser that asked for HTML gets a page, an API client its problem+json.

The choice is the request's `Accept` header: a browser navigating sends `text/html` first, while
`zx.api`, scripts and the schemathesis run ask for JSON (or anything). A 401 on a page a person
opened (GET) is a redirect to `/signin` with the path to come back to; every other status is the
error page in the reader's language, with the problem's own detail and, for a 5xx, the request id
the logs carry."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import structlog
from litestar import Request, Response
from litestar.response import Redirect

from server.web.locale import page_lang

log = structlog.get_logger("errors")
HTML = "text/html"
KEPT_HEADERS = ("retry-after",)

# (title, what to do) per status, in both languages; the problem's detail is shown beneath.
MESSAGES: dict[int, dict[str, tuple[str, str]]] = {
    400: {
        "en": ("Bad request", "The address or form could not be read."),
        "zh": ("请求有误", "无法读取该地址或表单。"),
    },
    401: {"en": ("Please sign in", "This page needs a token."), "zh": ("请先登录", "此页面需要访问令牌。")},
    403: {
        "en": ("Not allowed", "Your token's role may not open this page. Sign in with another token."),
        "zh": ("无权访问", "您的令牌角色不能打开此页面，请使用其他令牌登录。"),
    },
    404: {
        "en": ("Page not found", "The address may be mistyped, or the thing it names is gone or not yours."),
        "zh": ("页面不存在", "地址可能有误，或者所指内容已不存在或不属于您。"),
    },
    409: {
        "en": ("Conflict", "That cannot be done in the current state."),
        "zh": ("操作冲突", "当前状态下无法执行该操作。"),
    },
    422: {
        "en": ("Something in the address is not valid", "Check the values below and try again."),
        "zh": ("地址中的参数无效", "请检查下面列出的值后重试。"),
    },
    429: {"en": ("Too many requests", "Wait a moment, then try again."), "zh": ("请求过于频繁", "请稍候再试。")},
    500: {
        "en": ("Something went wrong on our side", "It has been logged. Quote the request id if you report it."),
        "zh": ("服务器出错了", "错误已记录。反馈问题时请附上请求编号。"),
    },
    503: {"en": ("Temporarily unavailable", "Try again in a few seconds."), "zh": ("服务暂时不可用", "请几秒后重试。")},
}
GENERIC = {"en": ("Something went wrong", "Please try again."), "zh": ("出错了", "请重试。")}


def wants_html(request: Request[Any, Any, Any]) -> bool:
    """True when the client listed `text/html` before any JSON type (a browser's navigation)."""
    headers = getattr(request, "headers", None)  # a handler called directly (tests) may pass a stand-in
    accept = headers.get("accept", "").lower() if headers is not None else ""
    html_at = accept.find(HTML)
    if html_at < 0:
        return False
    json_at = [at for at in (accept.find("application/json"), accept.find("+json")) if at >= 0]
    return not json_at or html_at < min(json_at)


def signin_redirect(request: Request[Any, Any, Any]) -> Response[Any]:
    back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return Redirect(f"/signin?next={quote(back, safe='/')}", status_code=303)


def _request_id() -> str:
    return str(structlog.contextvars.get_contextvars().get("request_id", ""))


def error_context(request: Request[Any, Any, Any], problem: dict[str, Any]) -> dict[str, Any]:
    status = int(problem.get("status") or 500)
    lang = page_lang(request)
    title, advice = MESSAGES.get(status, GENERIC)[lang]
    return {
        "request": request,
        "status": status,
        "title": title,
        "advice": advice,
        "detail": problem.get("detail") if status < 500 else None,
        "errors": problem.get("errors") or [],
        "request_id": _request_id(),
        "signin_next": request.url.path,
    }


def error_page(request: Request[Any, Any, Any], problem_response: Response[Any]) -> Response[Any]:
    """The HTML twin of a problem response (same status, Retry-After kept)."""
    problem = problem_response.content if isinstance(problem_response.content, dict) else {}
    status = problem_response.status_code
    if status == 401 and request.method in ("GET", "HEAD"):
        return signin_redirect(request)
    context = error_context(request, {**problem, "status": status})
    html = request.app.template_engine.get_template("error.html").render(**context)
    headers = {k: v for k, v in (problem_response.headers or {}).items() if k.lower() in KEPT_HEADERS}
    return Response(html, status_code=status, media_type="text/html; charset=utf-8", headers=headers)


Handler = Callable[[Request[Any, Any, Any], Any], Response[Any]]


def for_browsers(handler: Handler) -> Handler:
    """Wrap an exception handler: its problem+json for API clients, a page for browsers."""

    def negotiated(request: Request[Any, Any, Any], exc: Any) -> Response[Any]:
        response = handler(request, exc)
        if not wants_html(request):
            return response
        try:
            return error_page(request, response)
        except Exception:  # the page itself failed: the problem+json still tells the truth
            log.exception("error page failed to render", path=request.url.path)
            return response

    return negotiated
