"""PostgreSQL's posting: one statement for accounts, transactions, entries and the kept totals."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from commission.ledger.accounts import account_id
from commission.ledger.transactions import Posting
from commission.totals.posting import pg_total_arrays

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


def pg_arrays(txn_ids: list[str], postings: Sequence[Posting]) -> dict[str, list[Any]]:
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
