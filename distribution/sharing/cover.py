"""Fetching a session's cover for the poster. The URL was typed by a brand, so it is fetched as a
brand's webhook is: the name resolved and every address checked against the egress rule (no
loopback, private or metadata address unless allowed), the request sent to that checked address,
no redirects, a few seconds and a few megabytes at most. Any failure is simply no cover."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import httpx
import structlog

from server.kernel.egress import EgressPolicy, EgressRefused, Resolver, system_resolver
from server.kernel.signed_post import pin

log = structlog.get_logger(__name__)
MAX_COVER_BYTES = 5 * 1024 * 1024
TIMEOUT_S = 3.0


async def fetch_cover(
    url: str | None, base_url: str, egress: EgressPolicy, resolver: Resolver = system_resolver
) -> bytes | None:
    if not url:
        return None
    absolute = urljoin(base_url + "/", url)  # "/static/cover.jpg": a cover the site serves itself
    if urlsplit(absolute).scheme not in ("http", "https"):
        return None
    try:
        target = await pin(absolute, egress, resolver)
        return await _get(target.url, target.host_header, target.tls_name)
    except (EgressRefused, OSError, httpx.HTTPError) as exc:
        log.info("poster cover not fetched", url=absolute[:200], reason=type(exc).__name__)
        return None


async def _get(url: str, host: str, tls_name: str) -> bytes | None:
    async with (
        httpx.AsyncClient(timeout=TIMEOUT_S, follow_redirects=False) as client,
        client.stream("GET", url, headers={"Host": host}, extensions={"sni_hostname": tls_name}) as response,
    ):
        if response.status_code != 200:
            return None
        body = bytearray()
        async for chunk in response.aiter_bytes():
            body += chunk
            if len(body) > MAX_COVER_BYTES:
                return None
        return bytes(body)
