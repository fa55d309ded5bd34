"""links: a short share code (口令) per link, for apps that strip URLs

Revision ID: 0990
Revises: 0980
Create Date: 2026-11-28 10:50:00
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0990"
down_revision: str | Sequence[str] | None = "0980"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The same alphabet as distribution/sharing/codes.py (no 0/O, 1/I/L): read aloud or typed, never confused.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 8


def _code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def upgrade() -> None:
    with op.batch_alter_table("links", schema=None) as batch_op:
        batch_op.add_column(sa.Column("share_code", sa.String(length=12), nullable=True))
    # Links made before this revision get their code now, so every link has one.
    links = sa.table("links", sa.column("id", sa.String), sa.column("share_code", sa.String))
    bind = op.get_bind()
    used: set[str] = set()
    for (link_id,) in bind.execute(sa.select(links.c.id)).all():
        code = _code()
        while code in used:
            code = _code()
        used.add(code)
        bind.execute(links.update().where(links.c.id == link_id).values(share_code=code))
    with op.batch_alter_table("links", schema=None) as batch_op:
        batch_op.create_index("ix_links_share_code", ["share_code"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("links", schema=None) as batch_op:
        batch_op.drop_index("ix_links_share_code")
        batch_op.drop_column("share_code")
