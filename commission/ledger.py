"""Posting to the double-entry ledger and reading balances back from entries.

Sign convention: a positive amount is owed *to* the account's owner (a credit); every transaction
sums to zero per currency, checked here before anything is inserted. A journal transaction's
idempotency key is derived from the event, order, refund or payout that caused it, so posting the
same fact twice is a no-op."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from commission.models import JournalTransaction, LedgerAccount, LedgerEntry
from server.kernel.db import is_postgres
from server.kernel.ids import new_id

PLATFORM_OWNER = "platform"


class Reason(StrEnum):
    ACCRUED = "commission_accrued"
    RELEASED = "commission_released"
    REVERSED = "commission_reversed"
    PAYOUT_INITIATED = "payout_initiated"
    PAYOUT_SENT = "payout_sent"
    PAYOUT_FAILED = "payout_failed"


class Kind(StrEnum):
    PENDING = "pending"  # partner: accrued, inside the hold period
    AVAILABLE = "available"  # partner: may be paid out (negative after a clawback)
    IN_FLIGHT = "in_flight"  # partner: a transfer has been requested
    PAID = "paid"  # partner: cumulative amount transferred
    SALES = "sales"  # brand: minus the gross paid less refunded (where the money came from)
    NET = "net"  # brand: what the brand keeps
    FEE = "fee"  # platform: its fee


class LedgerImbalance(ValueError):
    """A transaction whose entries do not sum to zero in some currency (a programming error)."""


@dataclass(frozen=True, slots=True)
class AccountKey:
    owner_type: str
    owner_id: str
    kind: str
    currency: str


@dataclass
class Posting:
    idempotency_key: str
    reason: Reason
    effective_at: datetime
    external_ref: str | None = None
    brand_id: str | None = None
    memo: dict[str, Any] = field(default_factory=dict)
    legs: list[tuple[AccountKey, int]] = field(default_factory=list)

    def add(self, key: AccountKey, amount_minor: int) -> None:
        if amount_minor:
            self.legs.append((key, amount_minor))


def check_balanced(legs: Iterable[tuple[AccountKey, int]]) -> None:
    totals: dict[str, int] = defaultdict(int)
    for key, amount in legs:
        if not isinstance(amount, int) or isinstance(amount, bool):
            raise LedgerImbalance(f"amount {amount!r} is not an int of minor units")
        totals[key.currency] += amount
    unbalanced = {c: t for c, t in totals.items() if t != 0}
    if unbalanced:
        raise LedgerImbalance(f"transaction does not sum to zero: {unbalanced}")


async def account_ids(session: AsyncSession, keys: Iterable[AccountKey]) -> dict[AccountKey, str]:
    """Ids of the accounts, creating missing ones (safe against a concurrent creator)."""
    wanted = set(keys)
    found = await _existing_accounts(session, wanted)
    missing = wanted - found.keys()
    if missing:
        insert = postgresql.insert if is_postgres(session) else sqlite.insert
        rows = [{"id": new_id("lac"), "owner_type": k.owner_type, "owner_id": k.owner_id, "kind": k.kind,
                 "currency": k.currency, "created_at": sa.func.now()} for k in missing]
        stmt = insert(LedgerAccount).values(rows).on_conflict_do_nothing()
        await session.execute(stmt)
        found.update(await _existing_accounts(session, missing))
    return found


async def _existing_accounts(session: AsyncSession, keys: set[AccountKey]) -> dict[AccountKey, str]:
    if not keys:
        return {}
    owners = {k.owner_id for k in keys}
    stmt = select(LedgerAccount).where(col(LedgerAccount.owner_id).in_(owners))
    rows = (await session.exec(stmt)).all()
    by_key = {AccountKey(a.owner_type, a.owner_id, a.kind, a.currency): a.id for a in rows}
    return {k: by_key[k] for k in keys if k in by_key}


async def already_posted(session: AsyncSession, idempotency_key: str) -> bool:
    stmt = select(JournalTransaction.id).where(JournalTransaction.idempotency_key == idempotency_key)
    return (await session.exec(stmt)).first() is not None


async def post(session: AsyncSession, posting: Posting) -> JournalTransaction | None:
    """Insert one balanced transaction; None if its idempotency key was already used."""
    if await already_posted(session, posting.idempotency_key):
        return None
    return (await post_many(session, [posting]))[0]


async def post_many(session: AsyncSession, postings: Sequence[Posting]) -> list[JournalTransaction]:
    """Insert balanced transactions in bulk (callers guarantee the keys are new)."""
    for posting in postings:
        check_balanced(posting.legs)
    ids = await account_ids(session, (key for p in postings for key, _ in p.legs))
    txns = [JournalTransaction(id=new_id("jtx"), idempotency_key=p.idempotency_key, reason=p.reason,
                               external_ref=p.external_ref, brand_id=p.brand_id, memo=p.memo,
                               effective_at=p.effective_at) for p in postings]
    session.add_all(txns)
    await session.flush()
    entries = [{"transaction_id": txn.id, "account_id": ids[key], "amount_minor": amount, "currency": key.currency}
               for txn, posting in zip(txns, postings, strict=True) for key, amount in posting.legs]
    if entries:
        await session.execute(sa.insert(LedgerEntry), entries)
    return txns


async def balances(session: AsyncSession, *, owner_type: str | None = None, owner_ids: Sequence[str] | None = None,
                   kinds: Sequence[str] | None = None, before: datetime | None = None,
                   since: datetime | None = None) -> dict[AccountKey, int]:
    """Sums of entries per account, optionally for transactions effective in [since, before)."""
    stmt = (select(LedgerAccount.owner_type, LedgerAccount.owner_id, LedgerAccount.kind, LedgerAccount.currency,
                   sa.func.sum(LedgerEntry.amount_minor))
            .join(LedgerEntry, col(LedgerEntry.account_id) == col(LedgerAccount.id))
            .group_by(LedgerAccount.owner_type, LedgerAccount.owner_id, LedgerAccount.kind, LedgerAccount.currency))
    if owner_type is not None:
        stmt = stmt.where(LedgerAccount.owner_type == owner_type)
    if owner_ids is not None:
        stmt = stmt.where(col(LedgerAccount.owner_id).in_(owner_ids))
    if kinds is not None:
        stmt = stmt.where(col(LedgerAccount.kind).in_(kinds))
    if before is not None or since is not None:
        stmt = stmt.join(JournalTransaction, col(JournalTransaction.id) == col(LedgerEntry.transaction_id))
        if before is not None:
            stmt = stmt.where(JournalTransaction.effective_at < before)
        if since is not None:
            stmt = stmt.where(JournalTransaction.effective_at >= since)
    rows = (await session.exec(stmt)).all()  # type: ignore[call-overload]
    return {AccountKey(t, o, k, c): int(total) for t, o, k, c, total in rows}


def partner_key(partner_id: str, kind: Kind, currency: str) -> AccountKey:
    return AccountKey("partner", partner_id, kind, currency)


def brand_key(brand_id: str, kind: Kind, currency: str) -> AccountKey:
    return AccountKey("brand", brand_id, kind, currency)


def platform_fee_key(currency: str) -> AccountKey:
    return AccountKey("platform", PLATFORM_OWNER, Kind.FEE, currency)
