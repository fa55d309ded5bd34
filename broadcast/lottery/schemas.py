"""Request and response shapes of lotteries. Visitor ids never appear in any of them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from broadcast.schemas import Public, Request

Keyword = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]


class CommentKeywordRule(Request):
    kind: Literal["comment_keyword"]
    keyword: Keyword


class LikeRule(Request):
    kind: Literal["like"]


class PurchaseRule(Request):
    kind: Literal["purchase"]
    since: datetime | None = Field(default=None, description="orders paid at/after this count (default: opening)")


EntryRule = Annotated[CommentKeywordRule | LikeRule | PurchaseRule, Field(discriminator="kind")]


class LotteryCreate(Request):
    prize: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    winners: int = Field(ge=1, le=1000)
    entry_rule: EntryRule
    closes_at: datetime | None = Field(default=None, description="close and draw automatically at this time")


class WinnerPublic(Public):
    rank: int
    handle: str
    name: str | None = None


class LotteryPublic(Public):
    id: str
    session_id: str
    state: str
    prize: str
    winners_count: int
    entry_rule: dict[str, str | None]
    rule: str
    seed_sha256: str
    seed: str | None = None  # revealed once closed
    opened_at: datetime
    closes_at: datetime | None
    closed_at: datetime | None
    entrant_count: int
    winners: list[WinnerPublic] = []


class LotteryCurrent(Public):
    lottery: LotteryPublic | None


class EntryPublic(Public):
    lottery_id: str
    handle: str
    entered_at: datetime


class MyEntryPublic(Public):
    lottery_id: str
    entered: bool
    handle: str | None = None
    state: str
    won: bool = False
    rank: int | None = None


class ProofPublic(Public):
    lottery_id: str
    state: str
    rule: str
    seed_sha256: str
    seed: str | None
    winners_count: int
    entrants: list[str] | None = None  # the frozen, sorted handles (once closed)
    entrants_sha256: str | None
    winners: list[str] | None = None  # handles in rank order (once closed)
