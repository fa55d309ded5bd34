"""The double-entry ledger: accounts, journal transactions, entries (append-only)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from server.kernel.db import json_field, utc_field

ENTRY_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class LedgerAccount(SQLModel, table=True):
    """owner_type partner (kinds pending/available/in_flight/paid), brand (sales/net), platform (fee)."""

    __tablename__ = "ledger_accounts"
    __table_args__ = (sa.UniqueConstraint("owner_type", "owner_id", "kind", "currency", name="uq_ledger_account"),)

    id: str = Field(primary_key=True, max_length=40)
    owner_type: str = Field(max_length=16)
    owner_id: str = Field(index=True, max_length=40)
    kind: str = Field(max_length=16)
    currency: str = Field(max_length=3)
    created_at: datetime = utc_field(default_now=True)


class JournalTransaction(SQLModel, table=True):
    __tablename__ = "journal_transactions"

    id: str = Field(primary_key=True, max_length=40)
    idempotency_key: str = Field(unique=True, max_length=200)
    reason: str = Field(index=True, max_length=32)
    external_ref: str | None = Field(default=None, index=True, max_length=80)
    brand_id: str | None = Field(default=None, max_length=40)
    memo: dict[str, Any] = json_field()
    effective_at: datetime = utc_field(index=True)
    created_at: datetime = utc_field(default_now=True)


class LedgerEntry(SQLModel, table=True):
    """Never updated or deleted (a PostgreSQL trigger enforces it); amounts are signed minor units.
    `effective_at` is its transaction's, copied at posting so an account's entries for a period
    are one range of the (account, effective_at) index, amount and transaction read from the index."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        sa.Index(
            "ix_ledger_entries_account_effective",
            "account_id",
            "effective_at",
            "id",
            postgresql_include=["amount_minor", "transaction_id"],
        ),
    )

    # SQLite auto-increments only an INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
    id: int | None = Field(default=None, sa_type=ENTRY_ID, primary_key=True)
    transaction_id: str = Field(foreign_key="journal_transactions.id", index=True, max_length=40)
    # the (account, effective_at) index above serves every read by account
    account_id: str = Field(foreign_key="ledger_accounts.id", max_length=40)
    amount_minor: int = Field(sa_type=sa.BigInteger)
    currency: str = Field(max_length=3)
    effective_at: datetime = utc_field()
