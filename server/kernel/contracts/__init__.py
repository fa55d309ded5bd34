"""Every outbox event's contract, registered by topic (see `base` for the rules). Emitters build
these models; consumers read them with `Contract.read(event.payload, event.version)`; the
dispatcher checks each payload before a consumer runs; `docs/events.md` is generated from them
(`python -m server.kernel.contracts`)."""

from server.kernel.contracts.base import CONTRACTS, ContractError, Event, checked_payload, contract_for, register
from server.kernel.contracts.competitions import (
    CompetitionBonusAdjusted,
    CompetitionClosed,
    LeaderboardChanged,
    PkStandingsChanged,
)
from server.kernel.contracts.fulfilment import (
    AftersaleDecided,
    AftersaleRequested,
    OrderCompleted,
    OrderDelivered,
    OrderShipped,
)
from server.kernel.contracts.orders import (
    CartItemAdded,
    LatePaymentRejected,
    OrderPaid,
    OrderRefunded,
    OrderRefundFailed,
    StockChanged,
)
from server.kernel.contracts.payouts import PayoutFailed, PayoutSent
from server.kernel.contracts.promotions import (
    CouponClaimed,
    CouponDropped,
    GroupExpired,
    GroupFilled,
    GroupOpened,
    GroupSeatsChanged,
    LotteryDrawn,
    LotteryOpened,
)
from server.kernel.contracts.sessions import SessionStateChanged, SkuPinned

register(
    SessionStateChanged,
    SkuPinned,
    CartItemAdded,
    StockChanged,
    OrderPaid,
    OrderRefunded,
    OrderRefundFailed,
    LatePaymentRejected,
    OrderShipped,
    OrderDelivered,
    OrderCompleted,
    AftersaleRequested,
    AftersaleDecided,
    CouponDropped,
    CouponClaimed,
    LotteryOpened,
    LotteryDrawn,
    GroupOpened,
    GroupSeatsChanged,
    GroupFilled,
    GroupExpired,
    LeaderboardChanged,
    PkStandingsChanged,
    CompetitionClosed,
    CompetitionBonusAdjusted,
    PayoutSent,
    PayoutFailed,
)

__all__ = [
    "CONTRACTS",
    "AftersaleDecided",
    "AftersaleRequested",
    "CartItemAdded",
    "CompetitionBonusAdjusted",
    "CompetitionClosed",
    "ContractError",
    "CouponClaimed",
    "CouponDropped",
    "Event",
    "GroupExpired",
    "GroupFilled",
    "GroupOpened",
    "GroupSeatsChanged",
    "LatePaymentRejected",
    "LeaderboardChanged",
    "LotteryDrawn",
    "LotteryOpened",
    "OrderCompleted",
    "OrderDelivered",
    "OrderPaid",
    "OrderRefundFailed",
    "OrderRefunded",
    "OrderShipped",
    "PayoutFailed",
    "PayoutSent",
    "PkStandingsChanged",
    "SessionStateChanged",
    "SkuPinned",
    "StockChanged",
    "checked_payload",
    "contract_for",
    "register",
]
