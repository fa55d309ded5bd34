"""Totals of the frozen order records kept as they are written (derived data: `zhixiang ledger
check-totals` recomputes them from `order_commissions` and `commission_refunds`). Incremented in
the same transaction as the order is frozen, reversed or refunded (`INSERT … ON CONFLICT DO
UPDATE`), so concurrent writers never lose one another's amounts."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class OrderDailyTotal(SQLModel, table=True):
    """Per UTC day and currency: the orders paid that day (amount, count, their frozen partner and
    parent splits less every reversal since) and the refunds effective that day (applied amount,
    count). A period's sums are its whole days' rows plus the partial days' raw records."""

    __tablename__ = "order_daily_totals"

    day: date = Field(primary_key=True)
    currency: str = Field(primary_key=True, max_length=3)
    paid_minor: int = Field(default=0, sa_type=sa.BigInteger)
    paid_count: int = Field(default=0, sa_type=sa.BigInteger)
    earned_minor: int = Field(default=0, sa_type=sa.BigInteger)  # partner + parent − their reversals
    refunds_minor: int = Field(default=0, sa_type=sa.BigInteger)
    refund_count: int = Field(default=0, sa_type=sa.BigInteger)
