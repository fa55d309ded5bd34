"""customer bindings: keys become HMAC-SHA256 under SECRET_KEY; typed-contact bindings end

Revision ID: 0930_attrib_binding_keys
Revises: 0920_holds
Create Date: 2026-11-28 08:00:00

Before this revision a binding's `buyer_key` was a bare SHA-256 of `email:<address>`,
`phone:<digits>` or `visitor:<visitor id>`. A keyed hash cannot be computed from a bare one, so
each old key is either re-derived from data we still hold or ended:

- `email:` and `phone:` keys came from the contact typed at checkout, which the buyer never
  proved (the hijack this change closes). They are ended now (`expires_at` = the migration's
  time), not re-keyed: re-deriving them from `orders.contact_email` would carry the hijacked
  bindings over. The rows stay, so who was bound when remains on record.
- `visitor:` keys came from the paying browser, which is proof. The order that made the binding
  still holds that visitor id in `orders.visitor_id`, so the key is re-derived from it under
  SECRET_KEY (checked against the old hash first). Where the order is gone, the id does not hash
  to the old key, or no SECRET_KEY is configured, the binding is ended instead.

The downgrade cannot give back bare hashes of contacts it no longer has: it leaves the rows
as they are, and code from before this revision simply does not find them (bindings end early,
they never move to another partner).
"""

import hashlib
import hmac
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import context, op

import server.kernel.db

revision: str = "0930_attrib_binding_keys"
down_revision: str | Sequence[str] | None = "0920_holds"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

bindings = sa.table(
    "customer_bindings",
    sa.column("id", sa.String),
    sa.column("buyer_key", sa.String),
    sa.column("order_id", sa.String),
    sa.column("expires_at", server.kernel.db.UTCDateTime(timezone=True)),
)
orders = sa.table("orders", sa.column("id", sa.String), sa.column("visitor_id", sa.String))
OLD_KINDS = ("email:%", "phone:%", "visitor:%")


def _old_key(kind: str, value: str) -> str:
    return f"{kind}:{hashlib.sha256(f'{kind}:{value}'.encode()).hexdigest()[:64]}"


def _new_key(secret_key: str, kind: str, value: str) -> str:
    # The same as distribution.attribution.contacts.contact_key (a migration does not import the domain).
    return f"h1-{kind}:{hmac.new(secret_key.encode(), f'{kind}:{value}'.encode(), hashlib.sha256).hexdigest()}"


def _secret_key() -> str:
    given = context.config.attributes.get("secret_key")
    if given:
        return str(given)
    try:
        from server.settings import get_settings

        return get_settings().secret_key
    except Exception:  # no usable settings: the visitor bindings end instead of being re-keyed
        return ""


def _end(connection: sa.Connection, ids: list[str], now: datetime) -> None:
    open_ = sa.or_(bindings.c.expires_at.is_(None), bindings.c.expires_at > now)
    for start in range(0, len(ids), 500):
        connection.execute(
            bindings.update().where(bindings.c.id.in_(ids[start : start + 500]), open_).values(expires_at=now)
        )


def upgrade() -> None:
    rekey(op.get_bind(), _secret_key, datetime.now(UTC))


def rekey(connection: sa.Connection, secret_key: Callable[[], str], now: datetime) -> None:
    """Re-key what the paying browser proved, end the rest (see the module docstring)."""
    old = sa.or_(*(bindings.c.buyer_key.like(kind) for kind in OLD_KINDS))
    stmt = (
        sa.select(bindings.c.id, bindings.c.buyer_key, orders.c.visitor_id)
        .select_from(bindings.outerjoin(orders, orders.c.id == bindings.c.order_id))
        .where(old)
    )
    rows = connection.execute(stmt).all()
    if not rows:
        return
    key, ended = secret_key(), []  # asked only when there is something to re-key
    for binding_id, buyer_key, visitor_id in rows:
        if key and visitor_id and buyer_key == _old_key("visitor", visitor_id):
            new = _new_key(key, "visitor", visitor_id)
            connection.execute(bindings.update().where(bindings.c.id == binding_id).values(buyer_key=new))
        else:
            ended.append(binding_id)
    _end(connection, ended, now)


def downgrade() -> None:
    pass  # see the module docstring: bare hashes cannot be rebuilt, the bindings just stop matching
