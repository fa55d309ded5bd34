"""Request and response shapes of group-buy. Requests forbid unknown fields."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, Field

from broadcast.checkout.schemas import CheckoutPublic
from broadcast.schemas import Public, Request
from server.kernel.currency import validate_currency


class GroupOfferCreate(Request):
    sku_id: str = Field(max_length=40)
    group_price_minor: Annotated[int, Field(gt=0, le=10**12)]
    group_size: Annotated[int, Field(ge=2, le=50)]
    window_minutes: Annotated[int, Field(ge=1, le=1440)]
    currency: Annotated[str, AfterValidator(validate_currency)] | None = Field(
        default=None, description="optional; must be the SKU's currency"
    )
    active: bool = True


class GroupCounts(Public):
    open: int = 0
    filled: int = 0
    expired: int = 0


class GroupOfferPublic(Public):
    id: str
    session_id: str
    sku_id: str
    title: str
    price_minor: int = Field(description="what one buyer pays alone in this session")
    group_price_minor: int
    currency: str
    group_size: int
    window_minutes: int
    active: bool
    groups: GroupCounts
    created_at: datetime


class GroupPublic(Public):
    code: str
    session_id: str
    state: str
    offer: GroupOfferPublic
    seats_taken: int
    seats_paid: int
    group_size: int
    expires_at: datetime
    filled_at: datetime | None
    share_path: str = Field(description="relative: the page prefixes its own origin")
    share_url: str


class GroupSeatPublic(CheckoutPublic):
    """Open or join: the seat's order and how to pay it, exactly as checkout answers."""

    group: GroupPublic
