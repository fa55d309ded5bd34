"""Totals of ledger entries kept as they are posted (derived data: `zhixiang ledger check-totals`
recomputes them from the entries). Written in the posting's own transaction by increments
(`INSERT … ON CONFLICT DO UPDATE`), so concurrent postings never lose one another's amounts."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class LedgerDailyTotal(SQLModel, table=True):
    """Per account, UTC day and reason code: a period's flows are its whole days' rows plus the
    raw entries of its partial first and last days."""

    __tablename__ = "ledger_daily_totals"
    __table_args__ = (sa.Index("ix_ledger_daily_totals_day", "day"),)

    account_id: str = Field(primary_key=True, max_length=40)
    day: date = Field(primary_key=True)
    reason: str = Field(primary_key=True, max_length=32)
    currency: str = Field(max_length=3)
    amount_minor: int = Field(default=0, sa_type=sa.BigInteger)
    entry_count: int = Field(default=0, sa_type=sa.BigInteger)


class LedgerAccountTotal(SQLModel, table=True):
    """Running totals per account and reason code since the first entry: an account's balance is
    the sum of its rows."""

    __tablename__ = "ledger_account_totals"

    account_id: str = Field(primary_key=True, max_length=40)
    reason: str = Field(primary_key=True, max_length=32)
    currency: str = Field(max_length=3)
    amount_minor: int = Field(default=0, sa_type=sa.BigInteger)
    entry_count: int = Field(default=0, sa_type=sa.BigInteger)
