"""Response shape of a dispute as the brand console and the finance page list it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from commission.models import CommissionDispute, DisputePhase


class DisputeFilter(StrEnum):
    OPEN = "open"  # Stripe has not decided yet (the evidence deadline matters)
    CLOSED = "closed"
    ALL = "all"


class DisputePublic(BaseModel):
    id: str
    stripe_dispute_id: str
    order_id: str | None
    brand_id: str | None
    currency: str = Field(description="ISO 4217, upper case")
    amount_minor: int = Field(description="the disputed amount")
    stripe_status: str = Field(description="Stripe's status: needs_response, under_review, won, lost, …")
    stripe_reason: str | None
    due_by: datetime | None = Field(description="evidence must reach Stripe before this (evidence_details.due_by)")
    phase: DisputePhase
    partner_id: str | None
    frozen_minor: int = Field(description="partner (and parent) commission frozen while the dispute is open")
    held_from: str | None = Field(description="pending or available: where the frozen commission returns if won")
    lost_minor: int
    fee_minor: int
    fee_currency: str | None
    problem: str | None = Field(description="what did not fit: unknown charge, larger than the order, …")
    opened_at: datetime
    closed_at: datetime | None

    @classmethod
    def of(cls, row: CommissionDispute) -> DisputePublic:
        frozen = row.partner_held_minor + row.parent_held_minor if row.phase == DisputePhase.HELD else 0
        return cls(
            **row.model_dump(exclude={"held_kind", "partner_held_minor", "parent_held_minor", "parent_partner_id"}),
            frozen_minor=frozen,
            held_from=row.held_kind,
        )
