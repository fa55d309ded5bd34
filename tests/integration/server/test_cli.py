"""The `zhixiang` command as a person runs it: clear one-line errors, an idempotent demo."""

from __future__ import annotations

import os
import subprocess
import sys

import sqlalchemy as sa

from server.kernel.db import sync_url
from tests.live_server import ROOT


def zhixiang(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "SECRET_KEY": "cli-secret-key-0123456789abcdef", **env}
    return subprocess.run(
        [sys.executable, "-m", "server.cli.main", *args], env=full, cwd=ROOT, capture_output=True, text=True, timeout=60
    )


def test_a_bad_setting_stops_with_one_line(tmp_path):
    result = zhixiang("migrate", env={"DATABASE_URL": "mysql://nope"})
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "Error: configuration error: DATABASE_URL: Value error, DATABASE_URL must start with sqlite:// or postgresql://"
    ]


def test_stripe_keys_of_two_modes_stop_the_server_with_one_line(tmp_path):
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'keys.db'}",
        "STRIPE_API_KEY": "sk_live_abc",
        "STRIPE_PUBLISHABLE_KEY": "pk_test_abc",
    }
    result = zhixiang("serve", "--port", "0", env=env)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "Error: configuration error: STRIPE_PUBLISHABLE_KEY: a live STRIPE_API_KEY needs a live publishable key (pk_live_)"
    ]


def test_an_unreachable_database_is_one_line(tmp_path):
    result = zhixiang("migrate", env={"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"})
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert result.stderr.startswith("Error: migration failed: OperationalError")


def test_demo_is_idempotent_and_prints_tokens_that_work(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}"}
    assert zhixiang("migrate", env=env).returncode == 0
    first, second = zhixiang("demo", env=env), zhixiang("demo", env=env)
    assert first.returncode == 0 and second.returncode == 0
    assert first.stdout == second.stdout  # same ids, same tokens
    engine = sa.create_engine(sync_url(env["DATABASE_URL"]))
    with engine.connect() as conn:
        counts = {
            t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar()
            for t in ("brands", "skus", "live_sessions", "partners", "api_tokens", "coupons", "group_offers")
        }
    engine.dispose()
    assert counts["brands"] == 1 and counts["live_sessions"] == 1 and counts["skus"] == 4
    assert counts["partners"] >= 3 and counts["api_tokens"] >= 4
    assert counts["coupons"] == 2 and counts["group_offers"] == 1  # promotions to try from the console
    assert "zx_a_demo_" in first.stdout and "/live/ses_" in first.stdout


def test_token_create_and_revoke_from_the_cli(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'tok.db'}"}
    zhixiang("migrate", env=env)
    missing = zhixiang("token", "create", "--role", "brand", env=env)
    assert missing.returncode == 2 and "a brand token needs brand_id" in missing.stderr
    created = zhixiang("token", "create", "--role", "admin", "--name", "ops", env=env)
    assert created.returncode == 0
    token_id, _, secret = created.stdout.split()
    assert secret.startswith("zx_a_")
    assert zhixiang("token", "revoke", token_id, env=env).returncode == 0
    listed = zhixiang("token", "list", env=env).stdout
    assert token_id in listed and "yes" in listed and secret not in listed


def test_several_workers_need_redis_and_postgres(tmp_path):
    result = zhixiang("serve", "--workers", "2", env={"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"})
    assert result.returncode == 2 and "needs REDIS_URL" in result.stderr
