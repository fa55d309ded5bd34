"""Plan steps for the ledger property test: versions of an open, a targeted and an exclusive plan
on `sku_a`, some in force since days ago, some scheduled (a decrease not yet in force), some with
a repeat rate; and the check that every line a plan priced names a version that exists."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from hypothesis import strategies as st

from commission.models import OrderCommission, PlanVersion
from server.kernel.clock import utcnow

plan = st.tuples(
    st.just("plan"),
    st.sampled_from(["open", "targeted", "exclusive"]),
    st.sampled_from([500, 800, 1500]),
    st.sampled_from([-1, 0, 2, 5, 9]),  # in force since that many days ago; -1: scheduled for tomorrow
    st.sampled_from([None, 600]),
)
SOURCE = re.compile(r"^plan_(open|targeted|exclusive):(cpl_prop_\w+)@v(\d+)$")


class PlanSteps:
    def __init__(self) -> None:
        self.versions: dict[str, int] = defaultdict(int)

    async def publish(self, app: Any, step: tuple, partners: list[str]) -> None:
        _, kind, bps, days_back, repeat = step
        plan_id = f"cpl_prop_{kind}"
        self.versions[plan_id] += 1
        since = utcnow() - timedelta(days=days_back)
        version = PlanVersion(
            id=f"cpv_prop_{kind}_{self.versions[plan_id]}",
            plan_id=plan_id,
            version=self.versions[plan_id],
            brand_id="brd_prop",
            sku_id="sku_a",
            kind=kind,
            rate_bps=Decimal(bps),
            partner_ids={"open": [], "targeted": [partners[0]], "exclusive": [partners[1]]}[kind],
            starts_at=since - timedelta(days=1) if kind == "exclusive" else None,
            ends_at=since + timedelta(days=3) if kind == "exclusive" else None,
            effective_at=since,
            repeat_rate_bps=None if repeat is None else Decimal(repeat),
            repeat_decay_bps=Decimal(100),
            repeat_floor_bps=Decimal(200),
            repeat_max_orders=6,
        )
        async with app.state.sessionmaker() as session:
            session.add(version)
            await session.commit()

    async def check(self, session: Any) -> None:
        """Every partner line a plan priced names an existing version of it, and only on sku_a."""
        for (lines,) in (await session.execute(sa.select(OrderCommission.split_lines))).all():
            for line in lines:
                found = SOURCE.match(line["rule"])
                if line["rule"].startswith("plan_"):
                    assert found and line["sku_id"] == "sku_a", line
                    assert 1 <= int(found[3]) <= self.versions[found[2]], line
