"""Request and response shapes of replays."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from broadcast.schemas import Public, Request, Url


class ReplayAttach(Request):
    playback_url: Url = Field(description="the recording from the streaming provider: HLS (.m3u8) or MP4")


class MomentPublic(Public):
    kind: str = Field(description="pin, price, coupon or sold_out")
    offset_ms: int = Field(description="milliseconds from the go-live, i.e. into the recording")
    sku_id: str | None
    detail: dict[str, Any]


class ChapterPublic(Public):
    sku_id: str
    title: str
    image_url: str | None
    offset_ms: int = Field(description="where the host first explained this SKU (its first pin)")


class ReplayPublic(Public):
    session_id: str
    state: str
    replay_url: str | None
    started_at: datetime | None
    ended_at: datetime | None
    live_price_until: datetime | None = Field(description="replay buyers pay the live price until then; null: list")
    moments: list[MomentPublic] = Field(description="in recording order; empty unless the session is a replay")
    chapters: list[ChapterPublic]


class ReplayFigures(Public):
    """A session's sales and views, live and replay apart (sales net of refunds)."""

    session_id: str
    currency: str
    live_orders: int
    live_gmv_minor: int
    replay_views: int
    replay_orders: int
    replay_gmv_minor: int
