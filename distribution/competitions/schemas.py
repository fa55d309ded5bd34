"""Request and response shapes of the PK competitions API."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from server.kernel.decimals import DecimalNumber


class PrizeTier(BaseModel):
    rank_from: int
    rank_to: int
    kind: Literal["bonus_bps", "fixed"]
    amount: Decimal = Field(
        description="bonus_bps: basis points of the entrant's counted net GMV (1..10000); fixed: minor units"
    )


class PrizeTierPublic(PrizeTier):
    amount: DecimalNumber = Field(description="bonus_bps: basis points (a JSON number); fixed: minor units")


class TeamIn(BaseModel):
    name: str = Field(min_length=1, max_length=120)
    partner_ids: list[str] = Field(min_length=1)


class EntrantsIn(BaseModel):
    partners: list[str] | None = None
    teams: list[TeamIn] | None = None


class ScopeIn(BaseModel):
    session_id: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None


class CompetitionCreate(BaseModel):
    name: str = Field(min_length=1, max_length=120)
    scope: ScopeIn
    metric: Literal["gmv", "orders"]
    currency: str = Field(min_length=3, max_length=3)
    entrants: EntrantsIn
    prize_tiers: list[PrizeTier] = Field(default_factory=list)
    after_close_refunds: Literal["final", "adjust_bonus"] = "final"


class FlagCreate(BaseModel):
    reason: str = Field(min_length=1, max_length=200)


class EntrantPublic(BaseModel):
    key: str
    name: str
    partner_ids: list[str]


class CompetitionPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    brand_id: str
    name: str
    session_id: str | None
    starts_at: datetime | None
    ends_at: datetime | None
    metric: str
    currency: str
    entrant_kind: str
    prize_tiers: list[PrizeTierPublic]
    after_close_refunds: str
    state: str
    created_at: datetime
    closed_at: datetime | None
    entrants: list[EntrantPublic] = Field(default_factory=list)


class BoardRow(BaseModel):
    rank: int
    name: str
    score: int
    entrant_key: str | None = None  # brand and admin only (as the rest below)
    partner_ids: list[str] | None = None
    bonus_minor: int | None = None
    mine: bool = False


class LeaderboardPublic(BaseModel):
    competition_id: str
    name: str
    state: str
    metric: str
    currency: str
    frozen: bool
    rows: list[BoardRow]
    my_bonus_minor: int | None = None
