"""`zhixiang outbox dead` and `zhixiang outbox replay`: the outbox's dead letters from a shell.

Only click is imported at start-up; the database and the app load inside the commands, so
`--help` prints at once."""

from __future__ import annotations

from typing import Any

import click


@click.group()
def outbox() -> None:
    """Events waiting for their consumers, and dead letters.

    \b
    Every event (OrderPaid, OrderRefunded, …) is handled by each consumer registered for
    its topic. A consumer that fails is retried with exponential backoff; after
    OUTBOX_MAX_ATTEMPTS failures (default 10) it gives up: a dead letter. The event then
    counts as delivered for the others, and waits for you to fix the cause and replay.

    \b
    Examples:
      zhixiang outbox dead                    # what gave up, and why
      zhixiang outbox replay evt_01jd…        # retry that event's failed consumers now
      zhixiang outbox replay --all            # retry every dead letter now
    """


@outbox.command()
@click.option("--json", "as_json", is_flag=True, help="one JSON document (for scripts) instead of a table")
@click.option("--limit", default=200, show_default=True, type=click.IntRange(1, 10000))
def dead(as_json: bool, limit: int) -> None:
    """List dead letters (consumers that gave up), newest first.

    Shows event id, topic, handler, attempts, last error and dead since.

    \b
    Examples:
      zhixiang outbox dead
      zhixiang outbox dead --json | jq '.items[].event_id'
    """
    from server.cli.context import echo_table, run_with_session, settings_or_exit
    from server.events.dead_letters import DeadLetterService

    found = run_with_session(settings_or_exit(), lambda s: DeadLetterService(s).list(limit))
    if as_json:
        click.echo(found.model_dump_json(indent=2))
        return
    echo_table([_row(item.model_dump()) for item in found.items])
    if found.total > len(found.items):
        click.echo(f"… and {found.total - len(found.items)} more (--limit)")


def _row(item: dict[str, Any]) -> dict[str, Any]:
    error = item["last_error"].replace("\n", " ")
    return {
        "event_id": item["event_id"],
        "topic": item["topic"],
        "handler": item["handler"],
        "attempts": item["attempts"],
        "last_error": error if len(error) <= 60 else error[:59] + "…",
        "dead_since": item["dead_at"].isoformat(timespec="seconds"),
    }


@outbox.command()
@click.argument("event_id", required=False)
@click.option("--handler", help="only this consumer (as `outbox dead` names it)")
@click.option("--all", "replay_all", is_flag=True, help="every dead letter")
def replay(event_id: str | None, handler: str | None, replay_all: bool) -> None:
    """Retry failed consumers now (one event, or --all dead letters).

    Clears the dead state and attempt count, so the dispatcher runs the consumer again on
    its next tick (within a second in a running server). Consumers that already handled the
    event are not run again, so a replay is safe to repeat.

    \b
    Examples:
      zhixiang outbox replay evt_01jd…
      zhixiang outbox replay evt_01jd… --handler commission.accrual.on_order_paid
      zhixiang outbox replay --all
    """
    from server.cli.context import run_with_session, settings_or_exit
    from server.events.dead_letters import DeadLetterService
    from server.kernel.problems import Problem

    if replay_all == bool(event_id):
        raise click.UsageError("give either an EVENT_ID or --all")
    if handler and replay_all:
        raise click.UsageError("--handler goes with an EVENT_ID, not --all")
    try:
        count = run_with_session(
            settings_or_exit(),
            lambda s: (
                DeadLetterService(s).replay_all()
                if replay_all
                else DeadLetterService(s).replay(event_id or "", handler)
            ),
        )
    except Problem as exc:
        raise click.ClickException(str(exc.detail)) from None
    click.echo(
        f"replayed {count} consumer(s); the dispatcher retries them on its next tick" if count else "nothing to replay"
    )
