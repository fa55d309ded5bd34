"""The per-minute series of a live session: one row per session and UTC minute.

Two kinds of columns, written by two writers that never overwrite each other's:
- gauges sampled from the room's counters while the session is live (`sampler.py`): online
  viewers (peak, and a sum and count of samples for the mean), the like total, the unique
  viewers and their measured watch time so far. Redis (or the worker's memory) is their only
  source, so they are kept here;
- flows recomputed from the database (`minutes.rebuild`): paid orders, GMV net of refunds, cart
  adds, comments and clicks in that minute. They can be rebuilt at any time from orders, refunds,
  outbox events, comments and clicks, so losing the table loses only the gauges."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from server.kernel.db import UTCDateTime

BIGINT: Any = sa.BigInteger


class SessionMinute(SQLModel, table=True):
    __tablename__ = "session_minutes"

    session_id: str = Field(primary_key=True, max_length=40)
    minute: datetime = Field(sa_column=sa.Column(UTCDateTime(), primary_key=True))
    # gauges (sampled)
    online_peak: int = 0
    online_sum: int = 0
    online_samples: int = 0
    likes_total: int = 0
    unique_viewers: int = 0
    watch_s_total: int = Field(default=0, sa_type=BIGINT)  # measured watch time so far, all viewers
    # flows (rebuilt from the database)
    orders: int = 0
    gmv_minor: int = Field(default=0, sa_type=BIGINT)
    refunds_minor: int = Field(default=0, sa_type=BIGINT)
    cart_adds: int = 0
    comments: int = 0
    clicks: int = 0
