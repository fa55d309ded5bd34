"""Ledger accounts: their kinds, their keys (owner, kind, currency) and their deterministic ids."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel.ext.asyncio.session import AsyncSession

from commission.models import LedgerAccount
from server.kernel.clock import utcnow
from server.kernel.db import is_postgres

PLATFORM_OWNER = "platform"


class Kind(StrEnum):
    PENDING = "pending"  # partner: accrued, inside the hold period
    AVAILABLE = "available"  # partner: may be paid out (negative after a clawback)
    IN_FLIGHT = "in_flight"  # partner: a transfer has been requested
    PAID = "paid"  # partner: cumulative amount transferred
    SALES = "sales"  # brand: minus the gross paid less refunded (where the money came from)
    NET = "net"  # brand: what the brand keeps
    FEE = "fee"  # platform: its fee
    DISPUTED = "disputed"  # partner: frozen by an open dispute, never settled or paid out
    DISPUTE_FEE = "dispute_fee"  # provider (Stripe): dispute fees it charged, borne by brands


@dataclass(frozen=True, slots=True)
class AccountKey:
    owner_type: str
    owner_id: str
    kind: str
    currency: str


def account_id(key: AccountKey) -> str:
    """Accounts have deterministic ids (a digest of owner, kind and currency), so posting needs no
    lookup: the accounts are upserted with the entries' transaction, and never change afterwards."""
    digest = hashlib.sha256(f"{key.owner_type}|{key.owner_id}|{key.kind}|{key.currency}".encode()).hexdigest()
    return f"lac_{digest[:32]}"


async def account_ids(session: AsyncSession, keys: Iterable[AccountKey]) -> dict[AccountKey, str]:
    """Ids of the accounts, creating missing ones (safe against a concurrent creator)."""
    wanted = sorted(set(keys), key=account_id)  # a fixed order: concurrent upserts never deadlock
    if not wanted:
        return {}
    insert = postgresql.insert if is_postgres(session) else sqlite.insert
    rows = [
        {
            "id": account_id(k),
            "owner_type": k.owner_type,
            "owner_id": k.owner_id,
            "kind": k.kind,
            "currency": k.currency,
            "created_at": utcnow(),
        }
        for k in wanted
    ]
    # executemany of one cached statement (batched by SQLAlchemy's insertmanyvalues, within asyncpg's limits)
    await session.execute(insert(LedgerAccount).on_conflict_do_nothing(), rows)
    return {k: account_id(k) for k in wanted}


def partner_key(partner_id: str, kind: Kind, currency: str) -> AccountKey:
    return AccountKey("partner", partner_id, kind, currency)


def brand_key(brand_id: str, kind: Kind, currency: str) -> AccountKey:
    return AccountKey("brand", brand_id, kind, currency)


def platform_fee_key(currency: str) -> AccountKey:
    return AccountKey("platform", PLATFORM_OWNER, Kind.FEE, currency)


def dispute_fee_key(currency: str) -> AccountKey:
    return AccountKey("provider", "stripe", Kind.DISPUTE_FEE, currency)
