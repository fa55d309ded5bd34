"""The OpenAPI document says what the API answers: every GET list is a `{items, next_cursor}` page,
the finance reports are typed with integer minor units, and rates are JSON numbers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from server.app import create_app
from tests.app_settings import make_settings

FINANCE_REPORTS = [
    "/api/v1/partners/{partner_id}/statement",
    "/api/v1/brands/{brand_id}/statement",
    "/api/v1/finance/reconciliation",
    "/api/v1/finance/settlements",
    "/api/v1/orders/{order_id}/commission",
]


@pytest.fixture
async def spec(sqlite_url: str) -> AsyncIterator[dict[str, Any]]:
    async with AsyncTestClient(app=create_app(make_settings(sqlite_url))) as client:
        response = await client.get("/api/docs/openapi.json")
        assert response.status_code == 200
        yield response.json()


def resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def json_answer(spec: dict[str, Any], path: str, method: str = "get") -> dict[str, Any] | None:
    content = spec["paths"][path][method].get("responses", {}).get("200", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema")
    return None if schema is None else resolve(spec, schema)


def walk(spec: dict[str, Any], schema: dict[str, Any], seen: set[int] | None = None) -> Iterator[tuple[str, Any]]:
    """Every (property name, resolved schema) reachable from `schema`."""
    seen = set() if seen is None else seen
    schema = resolve(spec, schema)
    if id(schema) in seen:
        return
    seen.add(id(schema))
    for name, prop in schema.get("properties", {}).items():
        yield name, resolve(spec, prop)
        yield from walk(spec, prop, seen)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            yield from walk(spec, schema[key], seen)
    for key in ("oneOf", "anyOf", "allOf"):
        for option in schema.get(key, []):
            yield from walk(spec, option, seen)


def types_of(schema: dict[str, Any]) -> set[str]:
    found = schema.get("type")
    types = set(found) if isinstance(found, list) else {found} if found else set()
    for option in schema.get("oneOf", []) + schema.get("anyOf", []):
        types |= types_of(option)
    return types - {"null"}


async def test_no_get_list_answers_a_bare_array(spec):
    bare = [
        path
        for path, item in spec["paths"].items()
        if "get" in item and (answer := json_answer(spec, path)) is not None and answer.get("type") == "array"
    ]
    assert bare == [], f"GET lists that answer a bare array instead of {{items, next_cursor}}: {bare}"


async def test_every_page_has_items_and_a_next_cursor(spec):
    pages = [
        (path, answer)
        for path, item in spec["paths"].items()
        if "get" in item and (answer := json_answer(spec, path)) is not None and "items" in answer.get("properties", {})
    ]
    assert len(pages) >= 19
    for path, page in pages:
        assert {"items", "next_cursor"} <= set(page["properties"]), path
        assert page["properties"]["items"]["type"] == "array", path


@pytest.mark.parametrize("path", FINANCE_REPORTS)
async def test_finance_reports_are_typed_with_integer_minor_units(spec, path):
    answer = json_answer(spec, path)
    assert answer is not None and answer.get("properties"), f"{path} answers an untyped object"
    fields = list(walk(spec, answer))
    minor = [(name, types_of(schema)) for name, schema in fields if name.endswith("_minor")]
    assert minor and all(types == {"integer"} for _, types in minor), minor
    assert "currency" in {name for name, _ in fields}


async def test_rates_are_documented_as_numbers_not_strings(spec):
    rates = {
        (name, frozenset(types_of(schema)))
        for path, item in spec["paths"].items()
        for method in item
        if method in ("get", "put", "post") and (answer := json_answer(spec, path, method)) is not None
        for name, schema in walk(spec, answer)
        if name.endswith("_bps")
    }
    assert {name for name, _ in rates} >= {"percent_off_bps", "rate_bps", "platform_fee_bps", "commission_bps"}
    assert all(types <= {"number", "integer"} and types for _, types in rates), sorted(rates)
