"""Posting to the double-entry ledger and reading balances back from entries.

Sign convention: a positive amount is owed *to* the account's owner (a credit); every transaction
sums to zero per currency, checked here before anything is inserted. A journal transaction's
idempotency key is derived from the event, order, refund or payout that caused it, so posting the
same fact twice is a no-op."""

from __future__ import annotations

import hashlib
import json
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
from commission.totals.posting import add_totals, pg_total_arrays
from commission.totals.reading import account_balances
from server.kernel.clock import utcnow
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
    PK_BONUS = "pk_bonus"  # a PK competition's prize: brand net → partner available
    PK_BONUS_REVERSED = "pk_bonus_reversed"  # adjust_bonus: a refund after the close lowered the prize
    # disputes (commission/disputes.py): pending/available ⇄ disputed, then a lost one is reversed
    DISPUTE_HELD = "dispute_held"
    DISPUTE_RELEASED = "dispute_released"  # won (or an inquiry closed): back where it was held from
    DISPUTE_LOST = "dispute_lost"  # reversed like a refund; the brand's net bears the disputed amount
    DISPUTE_FEE = "dispute_fee"  # Stripe's dispute fee, out of the brand's net


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


async def already_posted(session: AsyncSession, idempotency_key: str) -> bool:
    stmt = select(JournalTransaction.id).where(JournalTransaction.idempotency_key == idempotency_key)
    return (await session.exec(stmt)).first() is not None


async def post(session: AsyncSession, posting: Posting) -> str | None:
    """Insert one balanced transaction; its id, or None if its idempotency key was already used."""
    if await already_posted(session, posting.idempotency_key):
        return None
    return (await post_many(session, [posting]))[0]


# PostgreSQL: accounts, transactions, entries and the kept totals (commission/totals) in ONE
# statement (arrays unnested server-side). The entries' foreign keys are checked at the end of the
# statement, after the sibling inserts.
POST_PG = sa.text("""
WITH acc AS (
    INSERT INTO ledger_accounts (id, owner_type, owner_id, kind, currency, created_at)
    SELECT a.id, a.t, a.o, a.k, a.c, now()
    FROM unnest(CAST(:a_id AS varchar[]), CAST(:a_t AS varchar[]), CAST(:a_o AS varchar[]),
                CAST(:a_k AS varchar[]), CAST(:a_c AS varchar[])) AS a(id, t, o, k, c)
    ORDER BY a.id
    ON CONFLICT DO NOTHING
), txn AS (
    INSERT INTO journal_transactions (id, idempotency_key, reason, external_ref, brand_id, memo, effective_at,
                                      created_at)
    SELECT x.id, x.k, x.r, x.ref, x.b, CAST(x.m AS json), x.at, now()
    FROM unnest(CAST(:t_id AS varchar[]), CAST(:t_key AS varchar[]), CAST(:t_reason AS varchar[]),
                CAST(:t_ref AS varchar[]), CAST(:t_brand AS varchar[]), CAST(:t_memo AS text[]),
                CAST(:t_at AS timestamptz[])) AS x(id, k, r, ref, b, m, at)
), daily AS (
    INSERT INTO ledger_daily_totals AS d (account_id, day, reason, currency, amount_minor, entry_count)
    SELECT x.a, x.d, x.r, x.c, x.amt, x.n
    FROM unnest(CAST(:d_a AS varchar[]), CAST(:d_day AS date[]), CAST(:d_r AS varchar[]), CAST(:d_c AS varchar[]),
                CAST(:d_amt AS bigint[]), CAST(:d_n AS bigint[])) AS x(a, d, r, c, amt, n)
    ORDER BY x.a, x.d, x.r
    ON CONFLICT (account_id, day, reason) DO UPDATE
    SET amount_minor = d.amount_minor + EXCLUDED.amount_minor, entry_count = d.entry_count + EXCLUDED.entry_count
), running AS (
    INSERT INTO ledger_account_totals AS r (account_id, reason, currency, amount_minor, entry_count)
    SELECT x.a, x.r, x.c, x.amt, x.n
    FROM unnest(CAST(:r_a AS varchar[]), CAST(:r_r AS varchar[]), CAST(:r_c AS varchar[]),
                CAST(:r_amt AS bigint[]), CAST(:r_n AS bigint[])) AS x(a, r, c, amt, n)
    ORDER BY x.a, x.r
    ON CONFLICT (account_id, reason) DO UPDATE
    SET amount_minor = r.amount_minor + EXCLUDED.amount_minor, entry_count = r.entry_count + EXCLUDED.entry_count
)
INSERT INTO ledger_entries (transaction_id, account_id, amount_minor, currency, effective_at)
SELECT e.t, e.a, e.amt, e.c, e.at
FROM unnest(CAST(:e_t AS varchar[]), CAST(:e_a AS varchar[]), CAST(:e_amt AS bigint[]),
            CAST(:e_c AS varchar[]), CAST(:e_at AS timestamptz[])) AS e(t, a, amt, c, at)
""")


def _pg_arrays(txn_ids: list[str], postings: Sequence[Posting]) -> dict[str, list[Any]]:
    keys = sorted({key for p in postings for key, _ in p.legs}, key=account_id)
    legs = [
        (txn_id, key, amount, p.effective_at)
        for txn_id, p in zip(txn_ids, postings, strict=True)
        for key, amount in p.legs
    ]
    return {
        "a_id": [account_id(k) for k in keys],
        "a_t": [k.owner_type for k in keys],
        "a_o": [k.owner_id for k in keys],
        "a_k": [str(k.kind) for k in keys],
        "a_c": [k.currency for k in keys],
        "t_id": txn_ids,
        "t_key": [p.idempotency_key for p in postings],
        "t_reason": [p.reason.value for p in postings],
        "t_ref": [p.external_ref for p in postings],
        "t_brand": [p.brand_id for p in postings],
        "t_memo": [json.dumps(p.memo) for p in postings],
        "t_at": [p.effective_at for p in postings],
        "e_t": [t for t, _, _, _ in legs],
        "e_a": [account_id(k) for _, k, _, _ in legs],
        "e_amt": [a for _, _, a, _ in legs],
        "e_c": [k.currency for _, k, _, _ in legs],
        "e_at": [at for _, _, _, at in legs],
        **pg_total_arrays(postings, account_id),
    }


async def post_many(session: AsyncSession, postings: Sequence[Posting]) -> list[str]:
    """Insert balanced transactions in bulk (callers guarantee the keys are new; UNIQUE backs it up).
    Core bulk inserts, not the unit of work: this is the hot path of accrual and settlement."""
    for posting in postings:
        check_balanced(posting.legs)
    if not postings:
        return []
    await session.flush()  # pending ORM rows (e.g. the order) go first, in this transaction
    txn_ids = [new_id("jtx") for _ in postings]
    if is_postgres(session):
        await session.execute(POST_PG, _pg_arrays(txn_ids, postings))
        return txn_ids
    ids = await account_ids(session, (key for p in postings for key, _ in p.legs))
    now = utcnow()
    rows = [
        {
            "id": txn_id,
            "idempotency_key": p.idempotency_key,
            "reason": p.reason.value,
            "external_ref": p.external_ref,
            "brand_id": p.brand_id,
            "memo": p.memo,
            "effective_at": p.effective_at,
            "created_at": now,
        }
        for txn_id, p in zip(txn_ids, postings, strict=True)
    ]
    await session.execute(sa.insert(JournalTransaction), rows)
    entries = [
        {
            "transaction_id": txn_id,
            "account_id": ids[key],
            "amount_minor": amount,
            "currency": key.currency,
            "effective_at": posting.effective_at,
        }
        for txn_id, posting in zip(txn_ids, postings, strict=True)
        for key, amount in posting.legs
    ]
    if entries:
        await session.execute(sa.insert(LedgerEntry), entries)
        await add_totals(session, postings, account_id)
    return txn_ids


async def balances(
    session: AsyncSession,
    *,
    owner_type: str | None = None,
    owner_ids: Sequence[str] | None = None,
    kinds: Sequence[str] | None = None,
    before: datetime | None = None,
    since: datetime | None = None,
) -> dict[AccountKey, int]:
    """Sums of entries per account, optionally for transactions effective in [since, before)."""
    stmt = (
        select(  # type: ignore[call-overload]
            LedgerAccount.owner_type,
            LedgerAccount.owner_id,
            LedgerAccount.kind,
            LedgerAccount.currency,
            sa.func.sum(LedgerEntry.amount_minor),
        )
        .join(LedgerEntry, col(LedgerEntry.account_id) == col(LedgerAccount.id))
        .group_by(LedgerAccount.owner_type, LedgerAccount.owner_id, LedgerAccount.kind, LedgerAccount.currency)
    )
    if owner_type is not None:
        stmt = stmt.where(LedgerAccount.owner_type == owner_type)
    if owner_ids is not None:
        stmt = stmt.where(col(LedgerAccount.owner_id).in_(owner_ids))
    if kinds is not None:
        stmt = stmt.where(col(LedgerAccount.kind).in_(kinds))
    if before is not None:
        stmt = stmt.where(LedgerEntry.effective_at < before)
    if since is not None:
        stmt = stmt.where(LedgerEntry.effective_at >= since)
    rows = (await session.exec(stmt)).all()
    return {AccountKey(t, o, k, c): int(total) for t, o, k, c, total in rows}


async def kept_balances(
    session: AsyncSession,
    *,
    owner_type: str,
    owner_ids: Sequence[str] | None = None,
    kinds: Sequence[str] | None = None,
) -> dict[AccountKey, int]:
    """Balances now, as `balances` gives them, from the running totals kept as entries post (a few
    rows per account instead of every entry: the reports' and pages' read)."""
    found = await account_balances(session, owner_type, owner_ids, kinds)
    return {AccountKey(owner_type, owner, kind, currency): amount for (owner, kind, currency), amount in found.items()}


def partner_key(partner_id: str, kind: Kind, currency: str) -> AccountKey:
    return AccountKey("partner", partner_id, kind, currency)


def brand_key(brand_id: str, kind: Kind, currency: str) -> AccountKey:
    return AccountKey("brand", brand_id, kind, currency)


def platform_fee_key(currency: str) -> AccountKey:
    return AccountKey("platform", PLATFORM_OWNER, Kind.FEE, currency)


def dispute_fee_key(currency: str) -> AccountKey:
    return AccountKey("provider", "stripe", Kind.DISPUTE_FEE, currency)
