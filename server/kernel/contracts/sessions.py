"""Events of a live session's life: its state, and the SKU the host is explaining."""

from __future__ import annotations

from pydantic import Field

from server.kernel.contracts.base import Event, Instant


class SessionStateChanged(Event):
    """A session was scheduled, went live, ended or was cancelled."""

    TOPIC = "SessionStateChanged"
    EMITTED_BY = "broadcast"
    session_id: str
    brand_id: str
    state: str = Field(description="the new state: scheduled, live, ended or cancelled")
    at: Instant


class SkuPinned(Event):
    """The host pinned the SKU being explained (or unpinned it)."""

    TOPIC = "SkuPinned"
    EMITTED_BY = "broadcast"
    session_id: str
    brand_id: str
    sku_id: str | None = Field(description="null: unpinned")
    at: Instant
