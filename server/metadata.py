"""Imports every table so `SQLModel.metadata` is complete (for Alembic and test set-up). This is
the one place tables are registered: a models module does not import other packages' models."""

from __future__ import annotations

from sqlmodel import SQLModel

import broadcast.checkout.models
import broadcast.checkout.refund_mismatches
import broadcast.coupons.models
import broadcast.fulfilment.models
import broadcast.groupbuy.models
import broadcast.liveroom.models
import broadcast.lottery.models
import broadcast.models
import broadcast.reminders.models
import broadcast.replays.models  # noqa: F401
import commission.models  # noqa: F401
import distribution.buyers.models
import distribution.competitions.models
import distribution.models  # noqa: F401
import server.auth.models
import server.dashboard.models
import server.kernel.outbox
import server.payments.models
import server.webhooks.models  # noqa: F401

metadata = SQLModel.metadata
