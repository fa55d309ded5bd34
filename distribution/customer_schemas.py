"""The partner's customers (私域) as the console shows them: masked, never a name, phone or email."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class CustomerPublic(BaseModel):
    tag: str = Field(description="a masked, stable tag (buyer·1a2b): never a name, phone or email (PIPL)")
    brand_id: str
    brand_name: str
    first_order_at: datetime
    last_order_at: datetime
    orders: int = Field(description="orders this buyer paid that were attributed to you, with this brand")
    gmv_minor: int = Field(description="their amount less refunds")
    currency: str
    bound_since: datetime
    binding_expires_at: datetime | None = Field(description="null: bound for as long as the brand's policy lasts")
    binding_active: bool
