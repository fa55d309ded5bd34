"""A segment's rules over buyer profiles, and the SQL condition they stand for. Every rule is
optional and they all must hold. A rule that can never match (a minimum above its maximum,
"bought within 30 days" with "not within 60") is refused with 422 when it is defined, so a
campaign is never aimed at a segment that is empty by construction.

Purchase counts are paid orders not refunded in full; spend is net of refunds, in the profile's
currency (minor units). The Nayuki tiers are {max_orders: 1}, {min_orders: 2, max_orders: 5} and
{min_orders: 6}."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Self

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlmodel import col

from distribution.buyers.models import BuyerOrder, BuyerProfile

IDENT = r"^[A-Za-z0-9_\-]+$"


class SegmentRules(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min_orders: int | None = Field(default=None, ge=0, le=1_000_000)
    max_orders: int | None = Field(default=None, ge=0, le=1_000_000)
    bought_within_days: int | None = Field(default=None, ge=1, le=3650, description="last purchase at most N days ago")
    not_bought_within_days: int | None = Field(default=None, ge=1, le=3650, description="no purchase for N days")
    min_spend_minor: int | None = Field(default=None, ge=0, le=10**15)
    max_spend_minor: int | None = Field(default=None, ge=0, le=10**15)
    sku_id: str | None = Field(default=None, min_length=1, max_length=40, pattern=IDENT)
    partner_id: str | None = Field(default=None, min_length=1, max_length=40, pattern=IDENT)
    tag: str | None = Field(default=None, min_length=1, max_length=40, pattern=r"^[^\"\\]+$")

    @model_validator(mode="after")
    def _can_match(self) -> Self:
        _ordered(self.min_orders, self.max_orders, "min_orders is above max_orders")
        _ordered(self.min_spend_minor, self.max_spend_minor, "min_spend_minor is above max_spend_minor")
        if self.max_orders == 0 and (self.bought_within_days or self.sku_id or self.min_spend_minor):
            raise ValueError("a buyer with no purchase cannot have bought anything")
        within, lapsed = self.bought_within_days, self.not_bought_within_days
        if within is not None and lapsed is not None and lapsed >= within:
            raise ValueError("nobody bought within the last days and also not in a longer span")
        return self


def _ordered(low: int | None, high: int | None, reason: str) -> None:
    if low is not None and high is not None and low > high:
        raise ValueError(f"{reason}: the rule can never match")


def _json_has(column: Any, value: str) -> Any:
    """A JSON list of plain strings holds `value` (the same text on SQLite and PostgreSQL)."""
    return sa.cast(column, sa.Text).like(f'%"{value}"%')


def conditions(rules: SegmentRules, now: datetime) -> list[Any]:
    """The WHERE clauses over `buyer_profiles` that the rules stand for."""
    where: list[Any] = []
    if rules.min_orders is not None:
        where.append(col(BuyerProfile.orders_count) >= rules.min_orders)
    if rules.max_orders is not None:
        where.append(col(BuyerProfile.orders_count) <= rules.max_orders)
    if rules.bought_within_days is not None:
        where.append(col(BuyerProfile.last_purchase_at) >= now - timedelta(days=rules.bought_within_days))
    if rules.not_bought_within_days is not None:
        where.append(col(BuyerProfile.last_purchase_at) < now - timedelta(days=rules.not_bought_within_days))
    if rules.min_spend_minor is not None:
        where.append(col(BuyerProfile.net_spend_minor) >= rules.min_spend_minor)
    if rules.max_spend_minor is not None:
        where.append(col(BuyerProfile.net_spend_minor) <= rules.max_spend_minor)
    where += _relations(rules)
    return where


def _relations(rules: SegmentRules) -> list[Any]:
    where: list[Any] = []
    if rules.partner_id is not None:
        where.append(col(BuyerProfile.partner_id) == rules.partner_id)
    if rules.tag is not None:
        where.append(_json_has(BuyerProfile.tags, rules.tag))
    if rules.sku_id is not None:
        bought = sa.select(col(BuyerOrder.order_id)).where(
            col(BuyerOrder.profile_id) == col(BuyerProfile.id),
            col(BuyerOrder.refunded_minor) < col(BuyerOrder.amount_minor),
            _json_has(BuyerOrder.sku_ids, rules.sku_id),
        )
        where.append(bought.exists())
    return where
