"""Where the benchmarks find PostgreSQL and Redis, one place for all of them: ZX_BENCH_PG_URL and
ZX_BENCH_REDIS_URL (the machine's services by default). Every app process a benchmark starts gets
URLs derived from these, so pointing them at other servers (an embedded pair like `make test`
starts, a remote box) moves the whole benchmark there."""

from __future__ import annotations

import os

PG_ADMIN_URL = os.environ.get("ZX_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("ZX_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
