"""Request and response shapes of segments."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from distribution.buyers.segment_rules import SegmentRules


class SegmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
    rules: SegmentRules


class SegmentCount(BaseModel):
    buyers: int = Field(description="profiles the rules match now")
    consented: int = Field(description="of them, buyers who agreed to marketing (the only ones a campaign may reach)")


class SegmentPublic(BaseModel):
    id: str
    brand_id: str
    name: str
    rules: SegmentRules
    created_at: datetime
    count: SegmentCount
