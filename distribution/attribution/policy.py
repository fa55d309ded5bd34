"""The brand's attribution policy, read once per order and stored with it as it stood then."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import Brand
from broadcast.schemas import BrandSettings


@dataclass(frozen=True)
class AttributionPolicy:
    attribution_window_days: int
    protection_period_days: int | None  # None: bound forever; 0: no binding
    self_referral_earns: bool
    default_commission_bps: int

    def in_window(self, clicked_at: datetime, paid_at: datetime) -> bool:
        """Inclusive at the edge: a click exactly `window` before payment still counts."""
        return clicked_at <= paid_at + timedelta(minutes=5) and paid_at - clicked_at <= timedelta(
            days=self.attribution_window_days
        )

    def binding_expiry(self, bound_since: datetime) -> datetime | None:
        if self.protection_period_days is None:
            return None
        return bound_since + timedelta(days=self.protection_period_days)

    @property
    def binds(self) -> bool:
        return self.protection_period_days != 0

    def snapshot(self, commission_bps: int | None = None) -> dict[str, Any]:
        return {**asdict(self), "partnership_commission_bps": commission_bps}


async def load_policy(session: AsyncSession, brand_id: str) -> AttributionPolicy:
    brand = await session.get(Brand, brand_id)
    raw = brand.settings if brand is not None else {}
    settings = BrandSettings.model_validate(raw or {})
    return AttributionPolicy(
        attribution_window_days=settings.attribution_window_days,
        protection_period_days=settings.protection_period_days,
        self_referral_earns=settings.self_referral_earns,
        default_commission_bps=settings.default_commission_bps,
    )
