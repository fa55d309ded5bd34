"""`zhixiang ledger check-totals`: the kept ledger totals recomputed from the entries, and the kept
order totals from the order and refund records.

Only click is imported at start-up; the database loads inside the command, so `--help` is instant."""

from __future__ import annotations

import click


@click.group()
def ledger() -> None:
    """The double-entry ledger's derived data.

    \b
    Example:
      zhixiang ledger check-totals
    """


@ledger.command("check-totals")
@click.option("--rebuild", is_flag=True, help="after reporting, recompute the totals from the entries")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 100_000), help="differences shown")
def check_totals(rebuild: bool, limit: int) -> None:
    """Recompute the totals per account, day and reason (and the running totals per account)
    from the entries, and the order totals per day and currency from the order and refund records,
    and list every difference. Exits 1 when there is one (0 after --rebuild).

    \b
    Examples:
      zhixiang ledger check-totals
      zhixiang ledger check-totals --rebuild   # after loading entries around the posting code
    """
    from server.cli.context import run_with_session, settings_or_exit

    async def work(session):  # type: ignore[no-untyped-def]
        from commission.order_totals import check_order_totals, rebuild_order_totals
        from commission.totals import check_totals as check
        from commission.totals import rebuild_totals

        ledger_found, orders_found = await check(session), await check_order_totals(session)
        if rebuild and ledger_found:
            await rebuild_totals(session)
        if rebuild and orders_found:
            await rebuild_order_totals(session)
        await session.commit()
        return ledger_found + orders_found

    found = run_with_session(settings_or_exit(), work)
    for difference in found[:limit]:
        click.echo(difference.describe())
    if len(found) > limit:
        click.echo(f"… and {len(found) - limit} more (--limit)")
    if not found:
        click.echo("ledger totals match the entries; order totals match the orders")
        return
    click.echo(f"{len(found)} difference(s){'; totals rebuilt from the entries' if rebuild else ''}")
    if not rebuild:
        raise SystemExit(1)
