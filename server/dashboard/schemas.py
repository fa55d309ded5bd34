"""What the dashboard API (and its socket frame) returns. Money is integer minor units with the
session's currency; rates are fractions (0.25 = 25 %), rounded to 4 places, never money."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from distribution.schemas import FunnelRow


class Conversion(BaseModel):
    viewer_to_cart: float = Field(description="visitors who carted ÷ unique viewers")
    cart_to_paid: float = Field(description="paying buyers ÷ visitors who carted")
    viewer_to_paid: float = Field(description="paying buyers ÷ unique viewers")


class Figures(BaseModel):
    gmv_minor: int = Field(description="paid, net of refunds")
    refunds_minor: int
    paid_orders: int = Field(description="paid orders not wholly refunded")
    paid_buyers: int = Field(description="distinct buyers of those orders")
    viewers: int = Field(description="unique viewers: visitors who opened the room (at least those who carted)")
    carting_visitors: int
    conversion: Conversion
    online_now: int
    online_peak: int
    avg_watch_s: int = Field(description="measured watch time of every visitor, join to leave, ÷ unique viewers")
    likes: int
    likes_per_min: float = Field(description="over the last 5 minutes")
    comments: int
    comments_per_min: float = Field(description="over the last 5 minutes")
    cart_adds: int
    clicks: int
    uv_value_minor: int = Field(description="GMV per unique viewer (UV 价值)")


class Window(BaseModel):
    # int for counts and money; a fraction (conversion) is a float like the headline's
    last: int | float = Field(description="the last 5 minutes")
    previous: int | float = Field(description="the 5 minutes before")


class Series(BaseModel):
    minutes: list[datetime]
    online: list[int] = Field(description="peak online viewers in the minute")
    gmv_minor: list[int] = Field(description="paid less refunded in the minute")
    orders: list[int]
    likes: list[int]
    comments: list[int]
    cart_adds: list[int]
    clicks: list[int]
    watch_s: list[int] = Field(description="seconds watched in the minute, all viewers together (measured)")


class PinMark(BaseModel):
    sku_id: str | None = Field(description="null: unpinned")
    title: str | None
    at: datetime


class SkuRow(BaseModel):
    sku_id: str
    title: str
    units: int
    orders: int
    buyers: int
    gmv_minor: int = Field(description="the SKU's lines, net of their share of refunds")
    pinned_s: int = Field(description="seconds the SKU was pinned")
    pin_buyers: int = Field(description="buyers of the SKU paid while it was pinned")
    pin_conversion: float | None = Field(description="pin buyers ÷ peak online while pinned; null if never pinned")


class LeaderRow(FunnelRow):
    commission_estimate_minor: int = Field(default=0, description="the funnel's estimate (rate × GMV), not finance's")
    commission_minor: int = Field(
        description="the ledger's partner commission for the session's orders, net of reversals (finance's figure)"
    )


class DashboardPublic(BaseModel):
    session_id: str
    brand_id: str
    title: str
    state: str
    currency: str
    started_at: datetime | None
    ended_at: datetime | None
    as_of: datetime
    figures: Figures
    windows: dict[str, Window] = Field(
        description="gmv_minor, orders, buyers, likes, comments, cart_adds, clicks, online (peak), watch_s, and per "
        "viewer (÷ the window's peak online): uv_value_minor, conversion (buyers ÷ viewers), avg_watch_s"
    )
    series: Series
    pins: list[PinMark]
    skus: list[SkuRow]
    partners: list[LeaderRow] = Field(description="the partner leaderboard (as /console/partners' funnel)")
    links: list[LeaderRow]
