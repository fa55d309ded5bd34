"""`zhixiang token create|list|revoke`"""

from __future__ import annotations

import click

from server.cli.context import echo_table, run_with_session, settings_or_exit


@click.group()
def token() -> None:
    """Issue, list and revoke API tokens (stored hashed; shown once).

    \b
    Example:
      zhixiang token create --role admin --name ops
    """


@token.command("create")
@click.option("--role", type=click.Choice(["admin", "brand", "partner", "finance"]), required=True)
@click.option("--brand", "brand_id", help="brand id (brd_…) for --role brand")
@click.option("--partner", "partner_id", help="partner id (ptn_…) for --role partner")
@click.option("--name", default="cli token", show_default=True, help="a label to recognise the token by")
def create(role: str, brand_id: str | None, partner_id: str | None, name: str) -> None:
    """Issue a token and print it once.

    \b
    Examples:
      zhixiang token create --role admin --name ops
      zhixiang token create --role brand --brand brd_01j…
    """
    from pydantic import ValidationError

    from server.auth.schemas import TokenCreate
    from server.auth.tokens import TokenService
    from server.kernel.problems import Problem

    try:
        data = TokenCreate(role=role, brand_id=brand_id, partner_id=partner_id, name=name)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise click.UsageError(exc.errors()[0]["msg"].removeprefix("Value error, ")) from None
    try:
        row, secret = run_with_session(settings_or_exit(), lambda s: TokenService(s).issue(data))
    except Problem as exc:
        raise click.ClickException(exc.detail) from None
    click.echo(f"{row.id}  role={row.role}  {secret}")
    click.echo("Store it now: only its hash is kept.", err=True)


@token.command("list")
def list_tokens() -> None:
    """List tokens by id, role, binding and hint (never the secret).

    \b
    Example:
      zhixiang token list
    """
    from server.auth.tokens import TokenService

    rows, _ = run_with_session(settings_or_exit(), lambda s: TokenService(s).list(None, 200))
    echo_table(
        [
            {
                "id": r.id,
                "role": r.role,
                "bound_to": r.brand_id or r.partner_id or "-",
                "hint": r.token_hint + "…",
                "revoked": "yes" if r.revoked_at else "no",
            }
            for r in rows
        ]
    )


@token.command("revoke")
@click.argument("token_id")
def revoke(token_id: str) -> None:
    """Revoke a token by its id (tok_…); it stops working at once.

    \b
    Example:
      zhixiang token revoke tok_01j…
    """
    from server.auth.tokens import TokenService
    from server.kernel.problems import Problem

    try:
        run_with_session(settings_or_exit(), lambda s: TokenService(s).revoke(token_id))
    except Problem as exc:
        raise click.ClickException(exc.detail) from None
    click.echo(f"revoked {token_id}")
