"""`zhixiang demo --simulate`: the click side — settings, tokens, run, print, exit code."""

from __future__ import annotations

import asyncio

import click
import httpx

from server.demo.simulate.config import SaleConfig, Tokens
from server.demo.simulate.outcome import SaleOutcome
from server.demo.simulate.play import play_sale
from server.demo.simulate.report import reconciliation
from server.devstripe.launch import dev_webhook_secret
from server.settings import Settings


def simulate_sale(
    settings: Settings, base_url: str | None, viewers: int, concurrency: int, seed: int, arrive_over_s: float
) -> None:
    config = SaleConfig(
        base_url=(base_url or settings.public_base_url).rstrip("/"),
        tokens=Tokens.demo(settings.secret_key),
        viewers=viewers,
        concurrency=concurrency,
        seed=seed,
        arrive_over_s=arrive_over_s,
        webhook_secret=settings.stripe_webhook_secret or dev_webhook_secret(settings.secret_key),
        lead_s=5.0 if arrive_over_s else 0.0,
        say=click.echo,
    )
    click.echo(f"simulating a live sale on {config.base_url} with {viewers} viewers")
    try:
        outcome = asyncio.run(play_sale(config))
    except Exception as exc:  # the server is down or refused a staff call: one line (and a hint)
        raise click.ClickException(f"simulation stopped: {type(exc).__name__}: {exc}{_hint(exc, config)}") from None
    _finish(config, outcome)


def _hint(exc: Exception, config: SaleConfig) -> str:
    if isinstance(exc, httpx.ConnectError):
        return f"\n  is the server running on {config.base_url}? start it with `make run`, or pass --base-url"
    if "→ 401" in str(exc):
        return (
            "\n  the demo tokens are unknown to that server: run `zhixiang demo` with the server's SECRET_KEY "
            "(same directory or env) first"
        )
    return ""


def _finish(config: SaleConfig, outcome: SaleOutcome) -> None:
    reconciliation(config, outcome)
    for error in outcome.errors[:10]:
        click.echo(f"  error: {error}")
    if len(outcome.errors) > 10:
        click.echo(f"  … and {len(outcome.errors) - 10} more errors")
    if not outcome.payments_enabled:
        click.echo("(payments are disabled on this server: nothing was sold, so there was nothing to pay out)")
    elif not outcome.reconciliation.get("ok"):
        raise SystemExit(1)
