"""Posting balanced transactions, once each (the idempotency key), in bulk on the hot path."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from commission.ledger.accounts import account_id, account_ids
from commission.ledger.post_pg import POST_PG, pg_arrays
from commission.ledger.transactions import Posting, check_balanced
from commission.models import JournalTransaction, LedgerEntry
from commission.totals.posting import add_totals
from server.kernel.clock import utcnow
from server.kernel.db import is_postgres
from server.kernel.ids import new_id


async def already_posted(session: AsyncSession, idempotency_key: str) -> bool:
    stmt = select(JournalTransaction.id).where(JournalTransaction.idempotency_key == idempotency_key)
    return (await session.exec(stmt)).first() is not None


async def post(session: AsyncSession, posting: Posting) -> str | None:
    """Insert one balanced transaction; its id, or None if its idempotency key was already used."""
    if await already_posted(session, posting.idempotency_key):
        return None
    return (await post_many(session, [posting]))[0]


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
        await session.execute(POST_PG, pg_arrays(txn_ids, postings))
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
