"""The whole sale in order: stage, open the doors, refund, let the ledger catch up, settle, claw
back, reconcile. Every step goes through the public API; `say` narrates."""

from __future__ import annotations

import asyncio
import contextlib

import httpx

from server.demo.simulate import aftersale, disputes, finale, report, stage
from server.demo.simulate.api import SaleApiError, call, staff_client
from server.demo.simulate.config import SaleConfig
from server.demo.simulate.crowd import run_crowd
from server.demo.simulate.outcome import SaleOutcome
from server.demo.simulate.receiver import brand_receiver, report_heard
from server.demo.simulate.viewer import plan_visits


async def play_sale(config: SaleConfig) -> SaleOutcome:
    outcome = SaleOutcome()
    async with contextlib.AsyncExitStack() as stack:
        brand = await stack.enter_async_context(staff_client(config, config.tokens.brand))
        finance = await stack.enter_async_context(staff_client(config, config.tokens.finance))
        partners = {
            name: await stack.enter_async_context(staff_client(config, token))
            for name, token in config.tokens.partners.items()
        }
        heard = await stack.enter_async_context(brand_receiver(config, brand))
        await _play(config, outcome, brand, finance, partners)
        await report_heard(config, heard, outcome)
    return outcome


async def _play(
    config: SaleConfig,
    outcome: SaleOutcome,
    brand: httpx.AsyncClient,
    finance: httpx.AsyncClient,
    partners: dict[str, httpx.AsyncClient],
) -> None:
    say = config.say
    lineup = await stage.open_session(brand, outcome)
    await stage.set_policy(brand, outcome.brand_id)
    previous_hold = await stage.shorten_hold(brand, outcome.brand_id)
    try:
        await stage.share_links(config, partners, outcome)
        report.watch_urls(config, outcome)
        if config.lead_s:
            say(f"open those pages now: the doors open in {config.lead_s:.0f} s")
            await asyncio.sleep(config.lead_s)
        visits = plan_visits(config, list(outcome.links), lineup)
        say(
            f"the doors open: {len(visits)} viewers through {len(outcome.links)} links "
            f"(at most {config.concurrency} at a time)"
        )
        payments = await run_crowd(config, outcome, visits, brand, lineup)
        outcome.payments_enabled = payments["enabled"]
        await _after_the_live(config, outcome, brand, finance)
    finally:  # only now: each order takes the brand's hold when its OrderPaid is accrued, which may lag
        await stage.restore_hold(brand, outcome.brand_id, previous_hold)
    outcome.funnel = await call(brand, "GET", f"/api/v1/sessions/{outcome.session_id}/funnel")
    report.funnel(config, outcome)
    report.dashboard(config, await call(brand, "GET", f"/api/v1/sessions/{outcome.session_id}/dashboard"))


async def _after_the_live(
    config: SaleConfig, outcome: SaleOutcome, brand: httpx.AsyncClient, finance: httpx.AsyncClient
) -> None:
    say = config.say
    if not outcome.payments_enabled:
        say(
            "PAYMENTS ARE DISABLED on this server (no STRIPE_API_KEY): no purchases, refunds or payouts. "
            "Start it with `make run` or `zhixiang serve --stripe-test-servers` to play the money part."
        )
        outcome.reconciliation = await finale.reconcile(finance)
        return
    report.sales(config, outcome)
    refunded = await finale.refund_some(config, brand, outcome.paid)
    say(f"the brand refunded {len(refunded)} orders ({sum(o.refunded_minor for o in refunded)} minor units)")
    await _ship_and_return(config, outcome, brand)
    laggards = await finale.wait_for_ledger(finance, outcome.paid)
    if laggards:
        outcome.errors.append(f"the ledger did not catch up with {len(laggards)} orders: {laggards[:5]}")
    say("the orders completed: their commission is released; finance settles …")
    try:
        partner_ids = sorted({share.partner_id for share in outcome.links.values()})
        outcome.settlement = await finale.settle(finance, partner_ids)
    except SaleApiError as exc:
        outcome.errors.append(f"settlement: {exc}")
    report.settlement(config, outcome)
    if not outcome.settlement.get("payouts"):
        say("no payouts were made (is the Stripe Connect test server running?): skipping the refund after payout")
        outcome.reconciliation = await finale.reconcile(finance)
        return
    clawed = outcome.clawed_back = await finale.clawback(brand, finance, outcome)
    if clawed is not None:
        say(f"one more refund after the payout ({clawed.order_id}): the partner's balance carries it forward")
    await _disputes(config, outcome, brand)
    outcome.reconciliation = await finale.reconcile(finance)


async def _ship_and_return(config: SaleConfig, outcome: SaleOutcome, brand: httpx.AsyncClient) -> None:
    try:
        shipped = await aftersale.ship_all(brand, outcome)
        returned = outcome.returned = await aftersale.return_one(config, brand, outcome)
        if returned is not None:
            config.say(f"one buyer returned a unit of {returned.order_id}: approved, received, refunded")
        delivered = await aftersale.deliver_all(config, outcome)
        config.say(f"the brand shipped {shipped} orders and {delivered} buyers confirmed receipt")
        config.say("the return window is over (0 days for this sale): waiting for the orders to complete …")
        if late := await aftersale.wait_for_completion(brand, outcome):
            outcome.errors.append(f"{len(late)} orders did not complete in time: {late[:5]}")
    except SaleApiError as exc:
        outcome.errors.append(f"after the sale: {exc}")


async def _disputes(config: SaleConfig, outcome: SaleOutcome, brand: httpx.AsyncClient) -> None:
    try:
        async with httpx.AsyncClient(base_url=config.base_url, timeout=30.0) as public:
            for order_id, result in await disputes.dispute_two(config, brand, public, outcome):
                config.say(f"a buyer disputed {order_id} with their bank: {result}")
    except (SaleApiError, RuntimeError) as exc:
        outcome.errors.append(f"disputes: {exc}")
