"""What the simulation prints: where to watch, the sales, the payouts, the reconciliation."""

from __future__ import annotations

from collections import Counter
from typing import Any

from server.demo.simulate.config import SaleConfig
from server.demo.simulate.outcome import SaleOutcome
from server.kernel.currency import format_minor


def watch_urls(config: SaleConfig, outcome: SaleOutcome) -> None:
    base, say = config.base_url, config.say
    say(f"live session {outcome.session_id} is live — watch it (sign in at {base}/signin with a demo token):")
    say(f"  viewer page     {base}/live/{outcome.session_id}")
    say(f"  brand console   {base}/console   (partner funnels: {base}/console/partners)")
    say(f"  live dashboard  {base}/console/sessions/{outcome.session_id}/dashboard   (after: …/report)")
    say(f"  partner console {base}/partner")
    say(f"  finance         {base}/finance")
    for share in outcome.links.values():
        say(f"  link {base}/l/{share.code:<12} shared by {share.partner_name}")


def sales(config: SaleConfig, outcome: SaleOutcome) -> None:
    states = Counter(o.state for o in outcome.orders)
    gmv = sum(o.amount_minor for o in outcome.paid)
    currency = outcome.paid[0].currency if outcome.paid else ""
    config.say(
        f"sold: {len(outcome.paid)} paid orders, {gmv} {currency} minor units; states {dict(states)}; "
        f"{outcome.pins} pins; {len(outcome.errors)} errors"
    )


def settlement(config: SaleConfig, outcome: SaleOutcome) -> None:
    run = outcome.settlement
    if not run:
        return
    config.say(
        f"settlement {run.get('run_id')}: released {run.get('released_orders')} orders, "
        f"{len(run.get('payouts', []))} payouts, {len(run.get('skipped', []))} skipped"
    )
    names = {s.partner_id: s.partner_name for s in outcome.links.values()}
    for payout in run.get("payouts", []):
        amount = format_minor(payout["amount_minor"], payout["currency"])
        config.say(
            f"  paid {names.get(payout['partner_id'], payout['partner_id']):<22} "
            f"{amount:>14}  transfer {payout.get('transfer_id')}"
        )


def funnel(config: SaleConfig, outcome: SaleOutcome) -> None:
    """The partners' funnel as the brand console shows it (clicks may be fewer than arrivals when
    the server's per-IP bot guard counts the simulated crowd, which all comes from one address)."""
    config.say("partner funnel (brand console):")
    for row in outcome.funnel.get("partners", []):
        config.say(
            f"  {row['partner_name']:<22} clicks {row['clicks']:>4}  likes {row['likes']:>5}  "
            f"carts {row['cart_adds']:>3}  orders {row['orders']:>3}  GMV {row['gmv_minor']:>8}"
        )


def dashboard(config: SaleConfig, body: dict[str, Any]) -> None:
    """The live dashboard's headline, as the brand's wall screen shows it."""
    f, series = body.get("figures", {}), body.get("series", {})
    config.say(
        f"live dashboard: GMV {format_minor(f.get('gmv_minor', 0), body.get('currency', 'CNY'))} net of refunds, "
        f"{f.get('paid_orders')} paid orders, {f.get('viewers')} viewers, peak online {f.get('online_peak')}, "
        f"conversion {f.get('conversion', {}).get('viewer_to_paid', 0):.1%}; "
        f"{len(series.get('minutes', []))} minute(s) of curves, {len(body.get('pins', []))} pins"
    )


def reconciliation(config: SaleConfig, outcome: SaleOutcome) -> None:
    rec, say = outcome.reconciliation, config.say
    say("reconciliation (finance API):")
    for row in rec.get("orders", []):
        say(
            f"  orders {row['currency']}: paid {row['paid_orders_minor']} − refunds {row['refunds_minor']} = "
            f"brand net {row['brand_net_minor']} + commissions {row['commissions_minor']} + "
            f"platform fee {row['platform_fee_minor']}"
        )
    for row in rec.get("commission", []):
        say(
            f"  commission {row['currency']}: accrued {row['accrued_minor']} − reversed {row['reversed_minor']} = "
            f"pending {row['pending_minor']} + available {row['available_minor']} + "
            f"in flight {row['in_flight_minor']} + paid {row['paid_minor']}"
        )
    for row in rec.get("disputes", []):
        lost, fees, frozen = row["disputes_lost_minor"], row["dispute_fees_minor"], row["frozen_minor"]
        say(
            f"  disputes {row['currency']}: lost {lost} (ledger {row['ledger_disputes_lost_minor']}), "
            f"fees {fees}, frozen now {frozen} (ledger {row['ledger_disputed_minor']})"
        )
    payouts = rec.get("payouts", {})
    say(f"  payouts: {payouts.get('payouts')} in the ledger, {payouts.get('matched')} matched to Stripe transfers")
    for mismatch in rec.get("mismatches", []):
        say(f"  MISMATCH {mismatch.get('section')}: {mismatch.get('reason')}")
    if not outcome.payments_enabled:
        say("  (no verdict: without Stripe nothing was sold and transfers cannot be listed)")
        return
    say("  it ties out ✓" if rec.get("ok") else "  it does NOT tie out ✗")
