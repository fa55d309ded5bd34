"""Events of partner competitions (PK): the board moved, the ranking froze, a refund adjusted a bonus."""

from __future__ import annotations

from pydantic import Field

from server.kernel.contracts.base import Event, Instant, Part


class LeaderboardChanged(Event):
    """Coalesced: emitted only when none for the competition is undelivered; the handler reads the
    board when it runs and, for a session's competition, emits `PkStandingsChanged` for the room."""

    TOPIC = "LeaderboardChanged"
    EMITTED_BY = "distribution (competitions)"
    competition_id: str


class Standing(Part):
    rank: int
    name: str
    score: int


class PkStandingsChanged(Event):
    """A session's competition as its live room shows it (`pk`): the top five when the
    `LeaderboardChanged` handler ran. Distribution computes it; the live room only publishes it."""

    TOPIC = "PkStandingsChanged"
    EMITTED_BY = "distribution (competitions)"
    session_id: str
    competition_id: str
    name: str
    metric: str
    currency: str
    state: str
    top: list[Standing]


class PartnerResult(Part):
    partner_id: str
    counted_net_minor: int
    bonus_minor: int


class Result(Part):
    rank: int
    entrant_key: str
    name: str
    score: int
    bonus_minor: int
    partners: list[PartnerResult]


class CompetitionClosed(Event):
    """The frozen ranking; commission posts `pk_bonus`."""

    TOPIC = "CompetitionClosed"
    EMITTED_BY = "distribution (competitions)"
    competition_id: str
    brand_id: str
    session_id: str | None
    currency: str
    after_close_refunds: str = Field(description="final, or adjust: whether a later refund changes a bonus")
    closed_at: Instant
    results: list[Result]


class Adjustment(Part):
    partner_id: str
    delta_minor: int
    bonus_after_minor: int


class CompetitionBonusAdjusted(Event):
    """`adjust_bonus` only: a refund after the close changed a percentage prize; commission posts
    `pk_bonus_reversed`."""

    TOPIC = "CompetitionBonusAdjusted"
    EMITTED_BY = "distribution (competitions)"
    competition_id: str
    brand_id: str
    refund_id: str
    order_id: str
    currency: str
    adjustments: list[Adjustment]
