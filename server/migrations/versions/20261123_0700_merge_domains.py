"""merge the domain branches: live room, distribution, checkout, commission

Revision ID: 0700
Revises: 0301, 0401, 0501, 0601
Create Date: 2026-11-23 14:00:00
"""

from collections.abc import Sequence

revision: str = "0700"
down_revision: str | Sequence[str] | None = ("0301", "0401", "0501", "0601")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
