"""Recognising a buyer without keeping who they are: keyed hashes for binding, and the
self-referral test (is this buyer the partner itself?).

Binding keys come only from what the buyer proved: the browser that paid (the visitor cookie,
which only that browser holds) and the billing email the payment provider returned with the
payment. The contact typed at checkout proves nothing — anyone can type anyone's address — so it
never binds and never finds an existing binding.

A buyer is the partner when any of the buyer's contacts (typed or from the payment), normalised,
equals the partner's `contact`, or when the order's visitor id was seen on the partner's own
signed-in console (`partner_devices`, recorded by the /partner page). Typed contacts may count
here: they can only take commission away, never bring it."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from distribution.attribution.contacts import DEFAULT_PHONE_REGION, contact_key, normal_email, normal_phone
from distribution.attribution.facts import OrderFacts
from distribution.models import Partner, PartnerDevice


def binding_keys(secret_key: str, facts: OrderFacts) -> list[str]:
    """The keys a binding is made and found by: the paying browser and the verified email."""
    keys = []
    if facts.visitor_id:
        keys.append(contact_key(secret_key, "visitor", facts.visitor_id))
    if email := normal_email(facts.verified_email):
        keys.append(contact_key(secret_key, "email", email))
    return keys


async def is_partner_buying(
    session: AsyncSession, partner: Partner, facts: OrderFacts, region: str = DEFAULT_PHONE_REGION
) -> bool:
    email, phone = normal_email(partner.contact), normal_phone(partner.contact, region)
    emails = {normal_email(facts.buyer_email), normal_email(facts.verified_email)} - {None}
    if email and email in emails:
        return True
    if phone and phone == normal_phone(facts.buyer_phone, region):
        return True
    if facts.visitor_id:
        return await session.get(PartnerDevice, (partner.id, facts.visitor_id)) is not None
    return False
