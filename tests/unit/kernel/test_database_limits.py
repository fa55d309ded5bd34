"""Every wait on the database is bounded, and a worker's connections fit its budget."""

from __future__ import annotations

from server.app import database_limits
from server.cli.main import _warn_connection_budget
from server.kernel.db import BATCH_LIMITS, make_engine
from server.settings import load_settings

PG = "postgresql://postgres@127.0.0.1:5432/test"


def _settings(**overrides: object):
    return load_settings(database_url=PG, secret_key="test-secret-key-0123456789abcdef", **overrides)


def test_the_app_engine_has_a_bounded_pool_and_timeouts():
    settings = _settings()
    engine = make_engine(settings.database_url, settings.db_pool_size, database_limits(settings))
    pool = engine.pool
    assert (pool.size(), pool._max_overflow, pool._timeout) == (5, 5, 3.0)  # type: ignore[attr-defined]
    assert pool._pre_ping and pool._recycle == 1800  # type: ignore[attr-defined]
    args = database_limits(settings).asyncpg_args()
    assert args == {"timeout": 2.0, "command_timeout": 11.0, "server_settings": {"statement_timeout": "10000"}}
    assert settings.db_connection_budget == 10


def test_commands_keep_the_connect_timeout_but_no_statement_timeout():
    assert BATCH_LIMITS.asyncpg_args() == {"timeout": 2.0}


def test_serve_warns_when_the_workers_budget_outgrows_a_stock_server(capsys):
    _warn_connection_budget(_settings(), workers=8)
    assert capsys.readouterr().err == ""
    _warn_connection_budget(_settings(), workers=9)
    assert "9 workers x 10 connections" in capsys.readouterr().err
    _warn_connection_budget(_settings(db_pool_size=0), workers=32)  # PgBouncer bounds them instead
    assert capsys.readouterr().err == ""
