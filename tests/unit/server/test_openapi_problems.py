"""The central hook gives a route it has never seen its problem responses and security: a new
route (another engineer's) is documented without editing server/openapi.py."""

from __future__ import annotations

from litestar import Litestar, get, post
from litestar.openapi import ResponseSpec

from server.kernel.principal import Role
from server.kernel.problems import Problem
from server.kernel.routing import roles
from server.openapi import PROBLEM_MEDIA, declare_problem_responses, openapi_config


class HoldsExhausted(Problem):
    status_code, slug, title = 409, "holds-exhausted", "No holds left"


@post("/things/{thing_id:str}/holds", opt=roles(Role.BRAND), raises=[HoldsExhausted])
async def hold(thing_id: str) -> None:
    return None


@get("/open", responses={404: ResponseSpec(str, False, "a page", "text/html")})
async def public() -> str:
    return "hi"


def document() -> dict:
    app = Litestar([hold, public], openapi_config=openapi_config())
    declare_problem_responses(app)
    return app.openapi_schema.to_schema()


def test_a_new_route_gets_its_problem_responses_and_security():
    operation = document()["paths"]["/things/{thing_id}/holds"]["post"]
    assert sorted(operation["responses"]) == ["201", "400", "401", "403", "404", "409", "413", "422", "429", "503"]
    for status in ("400", "401", "403", "404", "409", "422", "429", "503"):
        content = operation["responses"][status]["content"]
        assert list(content) == [PROBLEM_MEDIA]
        assert content[PROBLEM_MEDIA]["schema"] == {"$ref": "#/components/schemas/Problem"}
    assert operation["responses"]["409"]["description"] == "No holds left"  # from `raises=`
    assert operation["security"] == [{"bearerToken": []}, {"tokenCookie": []}]


def test_a_public_read_keeps_its_own_responses_and_needs_no_token():
    spec = document()
    operation = spec["paths"]["/open"]["get"]
    assert sorted(operation["responses"]) == ["200", "400", "404", "422", "429", "503"]
    assert list(operation["responses"]["404"]["content"]) == ["text/html"]  # the route's own wins
    assert "security" not in operation
    problem = spec["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail"}
    schemes = spec["components"]["securitySchemes"]
    assert schemes["bearerToken"]["scheme"] == "bearer"
    assert (schemes["websocketToken"]["in"], schemes["websocketToken"]["name"]) == ("query", "token")
