"""Scratch PostgreSQL databases for benchmarks: created fresh, always dropped afterwards."""

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
def scratch_database(label: str, admin_url: str = ADMIN_URL) -> Iterator[str]:
    name = f"zx_bench_{label}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url_for(name, admin_url)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
