"""`zhixiang`: serve the app, migrate the database, seed the demo, manage tokens.

Every command imports what it runs inside its own function: `zhixiang <command> --help` loads
click and nothing of the app (tests/unit/server/test_cli_help.py keeps it so)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from server.cli.context import settings_or_exit
from server.cli.ledger import ledger
from server.cli.lottery import lottery
from server.cli.outbox import outbox
from server.cli.serve_checks import port_problem, redis_problem
from server.cli.serving import SERVERS
from server.cli.settle import commission, settle
from server.cli.tokens import token

if TYPE_CHECKING:
    from server.settings import Settings

# The connections all workers together may hold: a stock max_connections=100 less room for
# migrations, reports, a psql session and the superuser reserve.
CONNECTION_SHARE = 80
DEFAULT_SERVER = "granian"  # measured by `python -m loadtests redirect` (BENCHMARKS.md)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Zhixiang — live-stream commerce distribution.

    \b
    Example (first run):
      zhixiang migrate && zhixiang demo && zhixiang serve

    \b
    Settings:    DATABASE_URL, REDIS_URL, STRIPE_API_KEY, STRIPE_API_BASE,
                 STRIPE_WEBHOOK_SECRET, STRIPE_PUBLISHABLE_KEY, SECRET_KEY,
                 PUBLIC_BASE_URL (env or .env)
    """


@cli.command()
def migrate() -> None:
    """Bring the database schema up to date (safe to run again); says what it applied.

    \b
    Example:
      DATABASE_URL=postgresql://app@db/zhixiang zhixiang migrate
    """
    from server.migrate import upgrade_reporting

    settings = settings_or_exit()
    try:
        report = upgrade_reporting(settings.database_url)
    except Exception as exc:  # a missing server or wrong URL: one line, not a traceback
        raise click.ClickException(f"migration failed: {type(exc).__name__}: {str(exc).splitlines()[0]}") from None
    click.echo(f"{report.describe()} ({_where(settings)})")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="worker processes; more than one needs REDIS_URL (shared fan-out) and PostgreSQL",
)
@click.option(
    "--stripe-test-servers",
    is_flag=True,
    help="without STRIPE_API_KEY: start localstripe and the Connect test server on loopback (dev/demo)",
)
@click.option(
    "--server",
    "server_name",
    type=click.Choice(SERVERS),
    default=DEFAULT_SERVER,
    show_default=True,
    envvar="ZX_SERVER",
    help="the ASGI server (chosen by `python -m loadtests redirect`; see BENCHMARKS.md)",
)
def serve(host: str, port: int, workers: int, stripe_test_servers: bool, server_name: str) -> None:
    """Serve the app with Granian or uvicorn (graceful shutdown on SIGTERM / Ctrl-C).

    \b
    Examples:
      zhixiang serve --stripe-test-servers          (what `make run` does)
      REDIS_URL=redis://127.0.0.1:6379/0 DATABASE_URL=postgresql://app@db/zhixiang \\
        zhixiang serve --host 0.0.0.0 --workers 4
      zhixiang serve --server uvicorn
    """
    from server.cli.serving import run

    settings = settings_or_exit()
    if workers > 1 and (not settings.redis_url or not settings.uses_postgres):
        raise click.UsageError(
            "--workers > 1 needs REDIS_URL and a PostgreSQL DATABASE_URL: "
            "in-process fan-out and SQLite are for one worker"
        )
    busy = port_problem(host, port)
    if busy:
        raise click.ClickException(busy)
    redis_down = redis_problem(settings.redis_url) if settings.redis_url else None
    if redis_down and workers > 1:
        raise click.ClickException(f"{redis_down}; --workers > 1 shares the live room through it")
    if redis_down:
        click.echo(f"warning: {redis_down}; the live room waits for it (likes, viewers and pins pause)", err=True)
    if stripe_test_servers:
        settings = _with_dev_stripe(settings, host, port)
    _prometheus_dir(workers)
    _banner(settings, host, port, workers, redis_reachable=redis_down is None)
    _warn_connection_budget(settings, workers)
    run(server_name, host, port, workers)


def _with_dev_stripe(settings: Settings, host: str, port: int) -> Settings:
    if settings.stripe_api_key or settings.is_production:
        return settings
    from server.devstripe.launch import apply, dev_webhook_secret, start_dev_stripe
    from server.settings import get_settings

    webhook_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104 (where localstripe posts)
    dev = start_dev_stripe(f"http://{webhook_host}:{port}", dev_webhook_secret(settings.secret_key))
    apply(dev)
    for note in dev.notes:
        click.echo(f"  stripe    {note}")
    get_settings.cache_clear()
    return settings_or_exit()


def _prometheus_dir(workers: int) -> None:
    if workers > 1 and "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        path = Path("var/prometheus")
        path.mkdir(parents=True, exist_ok=True)
        for stale in path.glob("*.db"):
            stale.unlink()
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(path)


def _warn_connection_budget(settings: Settings, workers: int) -> None:
    """Each worker opens up to pool + overflow connections; together they must leave PostgreSQL
    room for migrations, reports and its superuser slots, or an outage's recovery ends in
    "too many clients" (issue 22)."""
    if not settings.uses_postgres or not settings.db_connection_budget:
        return
    total = workers * settings.db_connection_budget
    if total > CONNECTION_SHARE:
        click.echo(
            f"  warning   {workers} workers x {settings.db_connection_budget} connections (DB_POOL_SIZE + "
            f"DB_MAX_OVERFLOW) = {total}, more than {CONNECTION_SHARE} of a stock max_connections=100: "
            "lower them, raise max_connections, or put PgBouncer in front (DB_POOL_SIZE=0)",
            err=True,
        )


def _where(settings: Settings) -> str:
    return "PostgreSQL" if settings.uses_postgres else settings.database_url.split("///", 1)[-1]


def _banner(settings: Settings, host: str, port: int, workers: int, redis_reachable: bool) -> None:
    base = f"http://{host}:{port}"
    fanout = "in-process (one worker)"
    if settings.redis_url:
        fanout = "Redis" if redis_reachable else "Redis (unreachable)"
    click.echo(f"Zhixiang on {base}  ·  database: {_where(settings)}  ·  fan-out: {fanout}  ·  workers: {workers}")
    if settings.uses_postgres and settings.db_connection_budget:
        budget = settings.db_connection_budget
        click.echo(f"  database  at most {workers * budget} connections ({workers} workers x {budget})")
    click.echo(f"  pages     {base}/   (brand {base}/console · partner {base}/partner · finance {base}/finance)")
    click.echo(f"  API docs  {base}/api/docs     health {base}/healthz     metrics {base}/metrics")
    click.echo("  tokens    `zhixiang demo` prints the demo tokens; sign in at /signin")


@cli.command()
@click.option("--simulate", is_flag=True, help="play a whole live sale against the running server (public API)")
@click.option("--base-url", default=None, help="the running server (default: PUBLIC_BASE_URL)")
@click.option("--viewers", default=200, show_default=True, type=click.IntRange(1, 5000))
@click.option(
    "--concurrency",
    default=50,
    show_default=True,
    type=click.IntRange(1, 1000),
    help="viewers in the room at the same time",
)
@click.option("--seed", default=7, show_default=True, type=int, help="the random seed of the viewers' behaviour")
@click.option(
    "--arrive-over",
    default=30.0,
    show_default=True,
    type=click.FloatRange(0, 3600),
    help="seconds over which the viewers arrive (0: as fast as possible), so a person can watch",
)
def demo(simulate: bool, base_url: str | None, viewers: int, concurrency: int, seed: int, arrive_over: float) -> None:
    """Seed demo data (idempotent) and print the demo tokens and pages; --simulate plays a sale.

    \b
    Examples:
      zhixiang demo
      zhixiang demo --simulate --viewers 300 --arrive-over 60
    """
    from server.cli.context import run_with_session
    from server.demo.seed import print_summary, seed_demo

    settings = settings_or_exit()
    if settings.is_production:
        raise click.UsageError("refusing to seed demo data with ENVIRONMENT=production")
    if simulate:
        from server.demo.simulate.command import simulate_sale

        simulate_sale(settings, base_url, viewers, concurrency, seed, arrive_over)
        return
    summary = run_with_session(settings, lambda s: seed_demo(s, settings.secret_key))
    print_summary(summary, settings.public_base_url)


cli.add_command(token)
cli.add_command(settle)
cli.add_command(commission)
cli.add_command(lottery)
cli.add_command(outbox)
cli.add_command(ledger)

if __name__ == "__main__":
    cli()
