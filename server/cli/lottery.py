"""`zhixiang lottery verify <lottery_id> --base-url …`: re-check a published draw from its proof
alone, with the same pure rule the server drew with (broadcast/lottery/draw.py)."""

from __future__ import annotations

import sys

import click


@click.group()
def lottery() -> None:
    """Live lottery draws (抽奖): check that a draw was fair.

    \b
    Example:
      zhixiang lottery verify lot_01j… --base-url https://live.example.com
    """


@lottery.command("verify")
@click.argument("lottery_id")
@click.option("--base-url", default="http://127.0.0.1:8000", show_default=True, help="the Zhixiang server")
def verify_command(lottery_id: str, base_url: str) -> None:
    """Fetch the proof, check SHA-256(seed) against the hash published at opening, recompute the
    winners, and print PASS or FAIL with the reason (exit code 1 on FAIL).

    \b
    Example:
      zhixiang lottery verify lot_01j… --base-url https://live.example.com
    """
    import httpx

    from broadcast.lottery.draw import verify

    url = f"{base_url.rstrip('/')}/api/v1/lotteries/{lottery_id}/proof"
    try:
        response = httpx.get(url, timeout=10)
    except httpx.HTTPError as exc:
        raise click.ClickException(f"could not fetch {url}: {exc}") from None
    if response.status_code != 200:
        raise click.ClickException(f"{url} answered {response.status_code}: {response.text[:200]}")
    passed, reason = verify(response.json())
    click.echo(f"{'PASS' if passed else 'FAIL'}: {reason}")
    if not passed:
        sys.exit(1)
