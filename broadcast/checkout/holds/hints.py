"""A worker's memory of SKUs whose unpaid share was just found full, so the rest of a flash-sale
crowd is turned away before the gate takes units and before a transaction locks the SKU's row
(the share check itself needs that lock). A hint lasts `HINT_S` at most: a payment or a lapse
frees share without telling us, so a hint may refuse a buyer for that long after capacity came
back (it may only undersell, never let more through: the transaction still decides)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from server.kernel.clock import utcnow

HINT_S = 1.0


@dataclass(frozen=True)
class FullShare:
    until: datetime  # when the hint is forgotten
    retry_at: datetime  # the oldest hold's lapse, as the refusal said
    limit: int


@dataclass
class ShareHints:
    _full: dict[tuple[str, str], FullShare] = field(default_factory=dict)

    def note(self, session_id: str, sku_id: str, retry_at: datetime, limit: int) -> None:
        if len(self._full) > 10_000:  # a worker's sessions are few; never let it grow unbounded
            self._full.clear()
        self._full[(session_id, sku_id)] = FullShare(utcnow() + timedelta(seconds=HINT_S), retry_at, limit)

    def full(self, session_id: str, sku_id: str) -> FullShare | None:
        hint = self._full.get((session_id, sku_id))
        if hint is not None and hint.until <= utcnow():
            del self._full[(session_id, sku_id)]
            return None
        return hint
