"""Events of a session's promotions: coupons, lotteries and group-buys. The room shows each."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from server.kernel.contracts.base import Event, Instant
from server.kernel.decimals import OptionalDecimalNumber


class CouponDropped(Event):
    """The brand dropped a coupon into the room (shown as a `coupon` message)."""

    TOPIC = "CouponDropped"
    EMITTED_BY = "broadcast (coupons)"
    session_id: str
    brand_id: str
    coupon_id: str
    title: str
    label: str
    amount_off_minor: int | None
    currency: str | None
    percent_off_bps: OptionalDecimalNumber = Field(description="basis points as a JSON number, or null")
    min_spend_minor: int
    remaining: int
    per_buyer_limit: int
    valid_from: Instant
    valid_until: Instant
    active: bool
    dropped_at: Instant


class CouponClaimed(Event):
    """A viewer claimed a coupon: the room shows the count left (`coupon_remaining`), no visitor id."""

    TOPIC = "CouponClaimed"
    EMITTED_BY = "broadcast (coupons)"
    session_id: str
    coupon_id: str
    claim_id: str
    remaining: int


class LotteryOpened(Event):
    """A lottery opened; never carries the seed."""

    TOPIC = "LotteryOpened"
    EMITTED_BY = "broadcast (lottery)"
    session_id: str
    lottery_id: str
    message: dict[str, Any] = Field(
        description="the room message {type: lottery, state: open, id, prize, winners, entry_rule, "
        "seed_sha256, rule, closes_at}"
    )


class LotteryDrawn(Event):
    """A lottery was drawn; handles only, never visitor ids."""

    TOPIC = "LotteryDrawn"
    EMITTED_BY = "broadcast (lottery)"
    session_id: str
    lottery_id: str
    message: dict[str, Any] = Field(
        description="the room message {type: lottery, state: closed, id, prize, winners_count, entry_rule, "
        "winners[{rank, handle, name}], seed, seed_sha256, rule, entrant_count, entrants_sha256, proof_url}"
    )


class GroupEvent(Event):
    """A group-buy's state; the room shows it as {type: group, event: topic, ...}."""

    EMITTED_BY = "broadcast (groupbuy)"
    group_id: str
    code: str
    session_id: str
    offer_id: str
    state: str
    seats_taken: int
    seats_paid: int
    group_size: int
    expires_at: Instant


class GroupOpened(GroupEvent):
    """A buyer opened a group-buy."""

    TOPIC = "GroupOpened"


class GroupSeatsChanged(GroupEvent):
    """A seat was taken, released (its order lapsed unpaid) or paid."""

    TOPIC = "GroupSeatsChanged"


class GroupFilled(GroupEvent):
    """Every seat taken and paid (state = filled): the orders proceed."""

    TOPIC = "GroupFilled"


class GroupExpired(GroupEvent):
    """Time ran out (state = expired): its paid orders are refunded, each emitting OrderRefunded."""

    TOPIC = "GroupExpired"
