"""Request and response shapes of webhook endpoints and their delivery log."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EndpointCreate(Request):
    url: str = Field(min_length=8, max_length=500)
    events: list[str] = Field(min_length=1, max_length=20, description="webhook event names, e.g. order.paid")
    description: str | None = Field(default=None, max_length=200)


class EndpointUpdate(Request):
    url: str | None = Field(default=None, min_length=8, max_length=500)
    events: list[str] | None = Field(default=None, min_length=1, max_length=20)
    description: str | None = Field(default=None, max_length=200)
    enabled: bool | None = Field(default=None, description="true re-enables a disabled endpoint")


class SecretRotate(Request):
    overlap_hours: int = Field(
        default=24, ge=0, le=168, description="how long the old secret still signs too (both signatures)"
    )


class EndpointPublic(BaseModel):
    id: str
    brand_id: str
    url: str
    events: list[str]
    description: str | None
    state: str = Field(description="active, or disabled (by the brand, or because it kept failing)")
    disabled_at: datetime | None
    disabled_reason: str | None
    disabled_by: str | None = Field(description="who disabled it: 'brand', or 'failures' (it kept failing)")
    consecutive_failures: int
    secret_hint: str
    previous_secret_until: datetime | None = Field(description="the old secret signs too until then")
    secret: str | None = Field(default=None, description="only in the response that created or rotated it")
    created_at: datetime


class AttemptPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    attempted_at: datetime
    outcome: str
    status: int | None
    latency_ms: int | None
    excerpt: str | None = Field(description="the start of the receiver's answer")
    error: str | None


class DeliveryPublic(BaseModel):
    id: str
    endpoint_id: str
    event_id: str
    event: str
    order_key: str
    state: str
    attempts: int
    next_attempt_at: datetime | None
    sent_at: datetime | None
    created_at: datetime
    log: list[AttemptPublic] = Field(description="every attempt, newest first")
