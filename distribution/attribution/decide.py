"""Which partner (if any) earns on a paid order, and why. Rules, in order:

1. customer binding — a buyer bound to an approved partner stays with it (rule `binding`); a
   buyer is recognised only by what they proved (the paying browser, the payment's billing
   email: see buyer.py), never by a contact typed at checkout;
2. last click — the visitor's last click through this brand's link, within the brand's
   attribution window, inclusive at the edge (rule `last_click`; `replay` when paid during the
   session's replay, so a partner who shares the replay earns as during the live);
3. self-referral — if the chosen partner is the buyer, the order says so (`self_referral`) and
   earns only if the brand allows it (rule `self_referral` when it does not);
otherwise `none`. A partner whose partnership is not approved (suspended, rejected) never
attributes; a forged, unknown or expired cookie is simply no click. Never raises on bad input."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from distribution.attribution.binding import active_binding, bind
from distribution.attribution.buyer import binding_keys, is_partner_buying
from distribution.attribution.contacts import DEFAULT_PHONE_REGION
from distribution.attribution.facts import OrderFacts
from distribution.attribution.policy import AttributionPolicy, load_policy
from distribution.attribution.replay import CLICK_RULES, paid_in_replay
from distribution.clicks.token import AttributionClaim, verify_claim
from distribution.models import Attribution, Click, Link, Partner, Partnership, PartnershipState
from server.kernel.clock import as_utc
from server.kernel.ids import new_id


@dataclass
class Choice:
    partner: Partner
    partnership: Partnership
    rule: str
    claim: AttributionClaim | None = None
    bound_since: datetime | None = None


async def attribute_order(
    session: AsyncSession, facts: OrderFacts, *, secret_key: str, phone_region: str = DEFAULT_PHONE_REGION
) -> dict[str, Any]:
    """Decide, store the reason in the caller's transaction (no commit), return the `attribution`
    object of `OrderPaid`. Called again for the same order it returns the stored decision.
    `secret_key` is the app's (it signed the `zx_attr` cookies and keys binding contacts);
    `phone_region` is where a phone number without a country code is read."""
    stored = (await session.exec(select(Attribution).where(Attribution.order_id == facts.order_id))).first()
    if stored is not None:
        return as_payload(stored)
    paid_at = as_utc(facts.paid_at)
    policy = await load_policy(session, facts.brand_id)
    keys = binding_keys(secret_key, facts)
    claim = await _last_click(session, facts, policy, secret_key, paid_at)
    choice = await _by_binding(session, facts, keys, paid_at, claim) or await _by_click(session, facts, claim)
    if choice is not None and choice.rule == "last_click" and await paid_in_replay(session, facts.session_id, paid_at):
        choice.rule = "replay"
    row = await _record(session, facts, policy, choice, paid_at, phone_region)
    if choice is not None and not row.self_referral and policy.binds and choice.rule in CLICK_RULES:
        bind(session, facts.brand_id, keys, choice.partner.id, facts.order_id, policy, paid_at)
    await session.flush()
    return as_payload(row)


async def _approved(session: AsyncSession, brand_id: str, partner_id: str) -> tuple[Partner, Partnership] | None:
    stmt = select(Partnership).where(Partnership.brand_id == brand_id, Partnership.partner_id == partner_id)
    partnership = (await session.exec(stmt)).first()
    if partnership is None or partnership.state != PartnershipState.APPROVED:
        return None
    partner = await session.get(Partner, partner_id)
    return (partner, partnership) if partner is not None else None


async def _last_click(
    session: AsyncSession, facts: OrderFacts, policy: AttributionPolicy, secret_key: str, paid_at: datetime
) -> AttributionClaim | None:
    """The cookie's claim if it is genuine and for this brand, else the visitor's last stored click."""
    for claim in (verify_claim(secret_key, facts.attribution_token), await _stored_click(session, facts)):
        if claim is None or not policy.in_window(claim.clicked_at, paid_at):
            continue
        link = await session.get(Link, claim.link_id)
        if link is not None and link.brand_id == facts.brand_id and link.partner_id == claim.partner_id:
            return claim
    return None


async def _stored_click(session: AsyncSession, facts: OrderFacts) -> AttributionClaim | None:
    if not facts.visitor_id:
        return None
    stmt = (
        select(Click)
        .where(
            Click.visitor_id == facts.visitor_id,
            Click.brand_id == facts.brand_id,
            col(Click.is_bot).is_(False),
            col(Click.clicked_at) <= as_utc(facts.paid_at),
        )
        .order_by(col(Click.clicked_at).desc())
        .limit(1)
    )
    click = (await session.exec(stmt)).first()
    if click is None:
        return None
    return AttributionClaim(
        link_id=click.link_id, partner_id=click.partner_id, click_id=click.id, clicked_at=as_utc(click.clicked_at)
    )


async def _by_binding(
    session: AsyncSession, facts: OrderFacts, keys: list[str], paid_at: datetime, claim: AttributionClaim | None
) -> Choice | None:
    binding = await active_binding(session, facts.brand_id, keys, paid_at)
    if binding is None or (found := await _approved(session, facts.brand_id, binding.partner_id)) is None:
        return None
    same = claim if claim is not None and claim.partner_id == binding.partner_id else None
    return Choice(found[0], found[1], "binding", same, as_utc(binding.bound_since))


async def _by_click(session: AsyncSession, facts: OrderFacts, claim: AttributionClaim | None) -> Choice | None:
    if claim is None or (found := await _approved(session, facts.brand_id, claim.partner_id)) is None:
        return None
    return Choice(found[0], found[1], "last_click", claim)


async def _record(
    session: AsyncSession,
    facts: OrderFacts,
    policy: AttributionPolicy,
    choice: Choice | None,
    paid_at: datetime,
    phone_region: str,
) -> Attribution:
    row = Attribution(
        id=new_id("atr"),
        order_id=facts.order_id,
        brand_id=facts.brand_id,
        session_id=facts.session_id,
        rule="none",
        policy=policy.snapshot(),
        paid_at=paid_at,
    )
    if choice is not None:
        self_referral = await is_partner_buying(session, choice.partner, facts, phone_region)
        earns = not self_referral or policy.self_referral_earns
        row.partner_id, row.parent_partner_id = choice.partner.id, choice.partner.parent_id
        row.rule = "self_referral" if self_referral and not earns else choice.rule
        row.self_referral, row.earns, row.bound_since = self_referral, earns, choice.bound_since
        row.link_id = choice.claim.link_id if choice.claim else None
        row.click_id = choice.claim.click_id if choice.claim else None
        row.clicked_at = choice.claim.clicked_at if choice.claim else None
        row.policy = policy.snapshot(choice.partnership.commission_bps)
    session.add(row)
    return row


def as_payload(row: Attribution) -> dict[str, Any]:
    def iso(value: datetime | None) -> str | None:
        return as_utc(value).isoformat() if value is not None else None

    return {
        "partner_id": row.partner_id,
        "parent_partner_id": row.parent_partner_id,
        "link_id": row.link_id,
        "click_id": row.click_id,
        "rule": row.rule,
        "clicked_at": iso(row.clicked_at),
        "bound_since": iso(row.bound_since),
        "self_referral": row.self_referral,
        "earns": row.earns,
        "policy": dict(row.policy),
    }
