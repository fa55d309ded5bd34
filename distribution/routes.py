"""Everything the distribution end mounts on the app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from distribution.attribution.order_reading import partner_orders_lifespan
from distribution.buyers import profiles as buyer_profiles
from distribution.buyers.controllers import SegmentController
from distribution.clicks.flusher import click_flusher_lifespan
from distribution.clicks.front_door import redirect_front_door
from distribution.clicks.redirect import follow_link
from distribution.clicks.vouch import ref_voucher
from distribution.competitions.board import leaderboard_lifespan
from distribution.competitions.controllers import CompetitionController, OrderFlagController
from distribution.competitions.room import on_leaderboard_changed
from distribution.competitions.scoring import on_order_paid as pk_on_order_paid
from distribution.competitions.scoring import on_order_refunded as pk_on_order_refunded
from distribution.competitions.sweeper import sweeper_lifespan
from distribution.controllers import LinkController, PartnerController, PartnershipController
from distribution.controllers.customers import CustomerController
from distribution.controllers.funnel import FunnelController
from distribution.controllers.order_attribution import OrderAttributionController
from distribution.controllers.reminders import DEPENDENCIES as REMINDER_DEPENDENCIES
from distribution.controllers.reminders import PartnerReminderController
from distribution.funnel.changes import STATE_KEY as FUNNEL_CHANGES
from distribution.funnel.changes import make_changes
from distribution.funnel.orders import on_order_paid, on_order_refunded
from distribution.funnel.socket import funnel_socket
from distribution.sharing import routes as sharing_routes
from server.kernel.referrals import REF_VOUCHER_STATE


@asynccontextmanager
async def ref_voucher_lifespan(app: Any) -> AsyncIterator[None]:
    """The live end counts a socket's or cart's `?ref=` for a funnel only if this vouches for it."""
    setattr(app.state, REF_VOUCHER_STATE, ref_voucher(app.state))
    yield


@asynccontextmanager
async def funnel_changes_lifespan(app: Any) -> AsyncIterator[None]:
    """Where the funnel's writers announce a change and its readers look for one."""
    app.state[FUNNEL_CHANGES] = make_changes(app.state)
    yield


ROUTE_HANDLERS: list[Any] = [
    PartnerController,
    PartnershipController,
    LinkController,
    FunnelController,
    follow_link,
    funnel_socket,
    PartnerReminderController,
    CompetitionController,
    OrderFlagController,
    OrderAttributionController,
    CustomerController,
    SegmentController,
    *sharing_routes.ROUTE_HANDLERS,
]
EVENT_HANDLERS: dict[str, list[Any]] = {
    "OrderPaid": [on_order_paid, pk_on_order_paid, buyer_profiles.on_order_paid],
    "OrderRefunded": [on_order_refunded, pk_on_order_refunded, buyer_profiles.on_order_refunded],
    "OrderRefundFailed": [buyer_profiles.on_order_refund_failed],
    "LeaderboardChanged": [on_leaderboard_changed],
}
DEPENDENCIES: dict[str, Any] = {**REMINDER_DEPENDENCIES}
ASGI_FRONT_DOORS: list[Any] = [redirect_front_door]
LIFESPANS: list[Any] = [
    ref_voucher_lifespan,
    funnel_changes_lifespan,
    click_flusher_lifespan,
    leaderboard_lifespan,
    sweeper_lifespan,
    partner_orders_lifespan,
]
