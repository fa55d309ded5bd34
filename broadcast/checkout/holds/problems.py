"""409 `holds-exhausted`: what was exhausted, and when to try again (the oldest hold's lapse)."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from server.kernel.clock import as_utc, utcnow
from server.kernel.problems import Conflict


class HoldsExhausted(Conflict):
    slug, title = "holds-exhausted", "Too many unpaid orders are holding stock"


def exhausted(detail: str, retry_at: datetime, **extra: Any) -> HoldsExhausted:
    """`Retry-After` in whole seconds (at least 1) and `retry_after` as the instant itself."""
    retry_at = as_utc(retry_at)
    seconds = max(1, math.ceil((retry_at - utcnow()).total_seconds()))
    body = {"retry_after": retry_at.isoformat(), "retry_after_s": seconds, **extra}
    return HoldsExhausted(detail, extra=body, headers={"Retry-After": str(seconds)})
