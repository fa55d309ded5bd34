"""The `zhixiang` command as a person runs it: clear one-line errors, an idempotent demo."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import sqlalchemy as sa
from alembic.script import ScriptDirectory

from server.kernel.db import sync_url
from server.migrate import alembic_config, upgrade
from tests.live_server import ROOT, free_port


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
        replays = conn.execute(sa.text("SELECT count(*) FROM live_sessions WHERE state = 'replay'")).scalar()
        pins = conn.execute(sa.text("SELECT count(*) FROM replay_moments WHERE kind = 'pin'")).scalar()
    engine.dispose()
    # the show to come, and yesterday's, a replay with a pin per SKU
    assert counts["brands"] == 1 and counts["live_sessions"] == 2 and counts["skus"] == 4
    assert replays == 1 and pins == 4
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


def test_migrate_says_what_it_applied_then_that_there_is_nothing_to_do(tmp_path):
    # given a database at 0700 (the domains' merge), as an older deployment would be
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'm.db'}"}
    upgrade(env["DATABASE_URL"], "0700")
    script = ScriptDirectory.from_config(alembic_config(env["DATABASE_URL"]))
    heads = " + ".join(sorted(script.get_heads()))
    newer = len(list(script.walk_revisions())) - len(list(script.walk_revisions("base", "0700")))
    # when migrate runs twice
    first, second = zhixiang("migrate", env=env), zhixiang("migrate", env=env)
    # then the first names the revisions it went from and to and how many it applied, the second nothing
    assert first.returncode == 0 and first.stdout.startswith(f"0700 → {heads}: "), first.stdout
    assert first.stdout.split(": ", 1)[1].startswith(f"{newer} revisions ("), first.stdout
    assert second.returncode == 0 and second.stdout.startswith(f"already at {heads}, nothing to do"), second.stdout


def test_serve_on_a_busy_port_says_so_in_one_line_before_any_banner(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = zhixiang("serve", "--port", str(port), env=env)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        f"Error: port {port} is in use (on 127.0.0.1); stop the other server or pass --port"
    ]


def test_an_unreachable_redis_is_an_error_for_several_workers(tmp_path):
    closed = free_port()  # nothing listens there
    env = {"DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/test", "REDIS_URL": f"redis://127.0.0.1:{closed}/0"}
    result = zhixiang("serve", "--workers", "2", "--port", str(free_port()), env=env)
    assert result.returncode == 1 and result.stdout == "" and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"Error: Redis at 127.0.0.1:{closed} is unreachable (ConnectionError); "
        "--workers > 1 shares the live room through it"
    ]


def test_an_unreachable_redis_is_a_warning_for_one_worker_and_the_banner_says_so(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"}
    assert zhixiang("migrate", env=env).returncode == 0
    full = {**os.environ, "SECRET_KEY": "cli-secret-key-0123456789abcdef", **env}
    command = [sys.executable, "-m", "server.cli.main", "serve", "--port", str(free_port())]
    with subprocess.Popen(command, env=full, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as p:
        try:
            banner = p.stdout.readline()  # type: ignore[union-attr]
        finally:
            p.terminate()
            _, stderr = p.communicate(timeout=30)
    assert "fan-out: Redis (unreachable)" in banner, banner
    [warning] = [line for line in stderr.splitlines() if line.startswith("warning:")]
    assert "is unreachable (ConnectionError)" in warning
