"""Recognising a buyer without keeping who they are: hashed keys for binding, and the
self-referral test (is this buyer the partner itself?).

A buyer is the partner when the buyer's email or phone equals the partner's `contact`
(normalised: case-folded email, digits-only phone), or when the order's visitor id was seen on
the partner's own signed-in console (`partner_devices`, recorded by the /partner page)."""

from __future__ import annotations

import hashlib
import re

from sqlmodel.ext.asyncio.session import AsyncSession

from distribution.attribution.facts import OrderFacts
from distribution.models import Partner, PartnerDevice

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def normal_email(value: str | None) -> str | None:
    match = EMAIL.search(value or "")
    return match.group(0).strip().lower() if match else None


def normal_phone(value: str | None) -> str | None:
    digits = re.sub(r"\D", "", value or "")
    return digits[-11:] if len(digits) >= 7 else None  # the national part; ignores +86 / 0086 prefixes


def _hashed(kind: str, value: str) -> str:
    return f"{kind}:{hashlib.sha256(f'{kind}:{value}'.encode()).hexdigest()[:64]}"


def buyer_keys(facts: OrderFacts) -> list[str]:
    keys = []
    if email := normal_email(facts.buyer_email):
        keys.append(_hashed("email", email))
    if phone := normal_phone(facts.buyer_phone):
        keys.append(_hashed("phone", phone))
    if facts.visitor_id:
        keys.append(_hashed("visitor", facts.visitor_id))
    return keys


async def is_partner_buying(session: AsyncSession, partner: Partner, facts: OrderFacts) -> bool:
    email, phone = normal_email(partner.contact), normal_phone(partner.contact)
    if email and email == normal_email(facts.buyer_email):
        return True
    if phone and phone == normal_phone(facts.buyer_phone):
        return True
    if facts.visitor_id:
        return await session.get(PartnerDevice, (partner.id, facts.visitor_id)) is not None
    return False
