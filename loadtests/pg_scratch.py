"""Scratch PostgreSQL databases for benchmarks: created fresh, dropped afterwards unless kept
(`keep=True`: its name is printed, for EXPLAIN on a loaded database; drop it yourself)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from loadtests.service_urls import PG_ADMIN_URL

ADMIN_URL = PG_ADMIN_URL


def url_for(name: str, admin_url: str = ADMIN_URL) -> str:
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


@contextmanager
def scratch_database(label: str, admin_url: str = ADMIN_URL, keep: bool = False) -> Iterator[str]:
    name = f"zx_bench_{label}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url_for(name, admin_url)
    finally:
        if keep:
            print(f"kept the scratch database {url_for(name, admin_url)}", flush=True)
            return  # noqa: B012 (kept on purpose, even after a failure)
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
