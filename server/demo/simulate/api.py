"""The sale's staff clients (brand, finance, partners): thin httpx calls to the public API that
raise one readable error when the server says no."""

from __future__ import annotations

from typing import Any

import httpx

from server.demo.simulate.config import SaleConfig

TIMEOUT = httpx.Timeout(30.0, connect=10.0)


class SaleApiError(RuntimeError):
    """The server refused a staff call; the message names the call and the problem's detail."""


def staff_client(config: SaleConfig, token: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=config.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=TIMEOUT)


async def call(client: httpx.AsyncClient, method: str, path: str, **kwargs: Any) -> Any:
    response = await client.request(method, path, **kwargs)
    if response.status_code >= 400:
        try:
            detail = response.json().get("detail") or response.text
        except ValueError:
            detail = response.text[:200]
        raise SaleApiError(f"{method} {path} → {response.status_code}: {detail}")
    return response.json() if response.content else None
