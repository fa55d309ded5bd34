"""Plan resolution: the version in force at payment, exclusive over targeted over open, the
SKU's own plan over the whole shop's, and the repeat-purchase rate by order number."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from commission.models import PlanVersion
from commission.plan_rates import plan_rate, repeat_bps
from commission.splits import Rate

T0 = datetime(2026, 11, 28, 4, 0, tzinfo=UTC)


def version(plan_id: str, kind: str, bps: int, *, v: int = 1, sku: str | None = "sku_a", **extra) -> PlanVersion:
    values = {"partner_ids": [], "effective_at": T0, **extra}
    return PlanVersion(
        id=f"cpv_{plan_id}{v}",
        plan_id=plan_id,
        version=v,
        brand_id="brd",
        sku_id=sku,
        kind=kind,
        rate_bps=Decimal(bps),
        **values,
    )


def test_no_plan_leaves_the_rules_to_decide():
    assert plan_rate([version("p", "open", 1000, sku="sku_b")], "ptn", "sku_a", T0) is None


def test_targeted_beats_open_and_each_names_its_version():
    plans = [version("open", "open", 1000), version("tg", "targeted", 1800, partner_ids=["ptn_1"])]
    assert plan_rate(plans, "ptn_1", "sku_a", T0) == Rate(Decimal(1800), "plan_targeted:tg@v1")
    assert plan_rate(plans, "ptn_2", "sku_a", T0) == Rate(Decimal(1000), "plan_open:open@v1")


def test_the_skus_own_plan_beats_the_whole_shops():
    plans = [version("shop", "open", 500, sku=None), version("own", "open", 900)]
    assert plan_rate(plans, "ptn", "sku_a", T0).rule == "plan_open:own@v1"
    assert plan_rate(plans, "ptn", "sku_z", T0).rule == "plan_open:shop@v1"


def test_a_running_exclusive_pays_only_its_partner():
    period = {"starts_at": T0, "ends_at": T0 + timedelta(days=7), "partner_ids": ["ptn_x"]}
    plans = [version("open", "open", 1000), version("ex", "exclusive", 2500, **period)]
    assert plan_rate(plans, "ptn_x", "sku_a", T0) == Rate(Decimal(2500), "plan_exclusive:ex@v1")
    assert plan_rate(plans, "ptn_y", "sku_a", T0) == Rate(Decimal(0), "plan_exclusive:ex@v1")
    after = T0 + timedelta(days=7)
    assert plan_rate(plans, "ptn_y", "sku_a", after) == Rate(Decimal(1000), "plan_open:open@v1")


def test_the_version_in_force_at_payment_prices_the_order():
    midnight = T0 + timedelta(hours=20)
    plans = [version("p", "open", 1000), version("p", "open", 600, v=2, effective_at=midnight)]
    assert plan_rate(plans, "ptn", "sku_a", midnight - timedelta(seconds=1)).rule == "plan_open:p@v1"
    assert plan_rate(plans, "ptn", "sku_a", midnight) == Rate(Decimal(600), "plan_open:p@v2")


def test_repeat_rate_decays_to_its_floor_and_stops_after_the_cap():
    plan = version(
        "p",
        "open",
        1000,
        repeat_rate_bps=Decimal(800),
        repeat_decay_bps=Decimal(100),
        repeat_floor_bps=Decimal(300),
        repeat_max_orders=10,
    )
    assert repeat_bps(plan, 1) == Decimal(1000)
    assert repeat_bps(plan, 2) == Decimal(800)
    assert repeat_bps(plan, 5) == Decimal(500)
    assert repeat_bps(plan, 8) == Decimal(300)  # 800 − 600 = 200, held at the floor
    assert repeat_bps(plan, 11) == Decimal(0)
    assert plan_rate([plan], "ptn", "sku_a", T0, order_number=5) == Rate(Decimal(500), "plan_open:p@v1")
