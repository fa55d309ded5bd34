"""`zhixiang settle --as-of <time>` and `zhixiang commission release --as-of <time>`.

Exit codes of `settle`: 0 every payout was recorded (paid or refused); 1 the run could not start
(bad input, Stripe not configured); 3 (`EXIT_IN_FLIGHT`) some transfers got no answer from Stripe
and their payouts are still in flight — run `zhixiang settle` again to finish them (a scheduler
can retry on 3: the rerun resends each with its payout id as idempotency key, nothing is paid twice)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import TYPE_CHECKING, Any

import click

from server.cli.context import echo_table, settings_or_exit
from server.kernel.clock import as_utc, utcnow

if TYPE_CHECKING:
    from commission.settlement import SettleRequest
    from server.settings import Settings

EXIT_IN_FLIGHT = 3  # payouts left in flight: not a failure to start, not done either


def _as_of(value: str | None) -> datetime:
    if not value:
        return utcnow()
    try:
        return as_utc(datetime.fromisoformat(value))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO 8601 time, e.g. 2026-11-23T00:00:00Z") from None


async def _settle(settings: Settings, request: SettleRequest) -> dict[str, Any]:
    from tqdm import tqdm

    from commission.connect import ConnectGateway
    from commission.settlement import settle as run_settlement
    from server.kernel.db import BATCH_LIMITS, make_engine, make_sessionmaker

    engine = make_engine(settings.database_url, limits=BATCH_LIMITS)
    bar = tqdm(total=0, unit="transfer", desc="settling", disable=None)

    def planned(n: int) -> None:
        bar.total = n
        bar.refresh()

    try:
        report = await run_settlement(
            make_sessionmaker(engine), ConnectGateway(settings), request, on_planned=planned, progress=bar.update
        )
        return report.as_dict()
    finally:
        bar.close()
        await engine.dispose()


@click.command()
@click.option("--as-of", "as_of", default=None, help="ISO 8601 time (default: now); release holds ended by then")
@click.option("--brand", "brand_id", default=None, help="only this brand's partners")
@click.option("--currency", default=None, help="only balances in this ISO 4217 currency")
def settle(as_of: str | None, brand_id: str | None, currency: str | None) -> None:
    """Release matured commission and pay every partner's available balance (Stripe Connect).

    Exits 3 when some transfers got no answer (payouts left in flight): run it again to finish them.

    \b
    Example:
      zhixiang settle --as-of 2026-11-23T00:00:00Z --currency CNY
    """
    from commission.settlement import SettleRequest
    from server.kernel.problems import Problem

    settings = settings_or_exit()
    request = SettleRequest(as_of=_as_of(as_of), brand_id=brand_id, currency=currency)
    try:
        report = asyncio.run(_settle(settings, request))
    except Problem as exc:
        raise click.ClickException(str(exc.detail)) from None
    click.echo(
        f"run {report['run_id']}: released {report['released_orders']} orders, "
        f"{len(report['payouts'])} payouts, {len(report['skipped'])} skipped, "
        f"{len(report['still_in_flight'])} still in flight"
    )
    echo_table(
        [
            {
                k: p.get(k)
                for k in ("payout_id", "partner_id", "amount_minor", "currency", "transfer_id", "failure_reason")
            }
            for p in report["payouts"]
        ]
    )
    if report["skipped"]:
        click.echo("skipped:")
        echo_table(report["skipped"][:50])
    if report["still_in_flight"]:
        click.echo(_in_flight_line(len(report["still_in_flight"])), err=True)
        raise SystemExit(EXIT_IN_FLIGHT)


def _in_flight_line(count: int) -> str:
    return (
        f"{count} payout(s) still in flight (Stripe did not answer): run `zhixiang settle` again to finish them "
        "(same idempotency keys, nothing is paid twice)"
    )


async def _release(settings: Settings, as_of: datetime) -> int:
    from commission.release import release_matured
    from server.kernel.db import BATCH_LIMITS, make_engine, make_sessionmaker

    engine = make_engine(settings.database_url, limits=BATCH_LIMITS)
    try:
        async with make_sessionmaker(engine)() as session:
            result = await release_matured(session, as_of)
            await session.commit()
            return result.orders
    finally:
        await engine.dispose()


@click.group()
def commission() -> None:
    """The commission ledger.

    \b
    Example:
      zhixiang commission release --as-of 2026-11-23T00:00:00Z
    """


@commission.command()
@click.option("--as-of", "as_of", default=None, help="ISO 8601 time (default: now)")
def release(as_of: str | None) -> None:
    """Move commission whose hold period ended from pending to available (idempotent).

    \b
    Example:
      zhixiang commission release --as-of 2026-11-23T00:00:00Z
    """
    moment = _as_of(as_of)
    if moment > utcnow():
        raise click.BadParameter("--as-of must not be in the future")
    orders = asyncio.run(_release(settings_or_exit(), moment))
    click.echo(f"released the commission of {orders} orders")
