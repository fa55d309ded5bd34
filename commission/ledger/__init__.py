"""Posting to the double-entry ledger and reading balances back from entries.

Sign convention: a positive amount is owed *to* the account's owner (a credit); every transaction
sums to zero per currency, checked here before anything is inserted. A journal transaction's
idempotency key is derived from the event, order, refund or payout that caused it, so posting the
same fact twice is a no-op.

`accounts` (kinds, keys, deterministic ids), `transactions` (a posting and its balance check),
`post` (posting, once per key; PostgreSQL's one-statement form in `post_pg`), `balances` (reading
them back); everything is re-exported here, so callers write `from commission import ledger`."""

from commission.ledger.accounts import (
    PLATFORM_OWNER,
    AccountKey,
    Kind,
    account_id,
    account_ids,
    brand_key,
    dispute_fee_key,
    partner_key,
    platform_fee_key,
)
from commission.ledger.balances import balances, kept_balances
from commission.ledger.post import already_posted, post, post_many
from commission.ledger.post_pg import POST_PG
from commission.ledger.transactions import LedgerImbalance, Posting, Reason, check_balanced

__all__ = [
    "PLATFORM_OWNER",
    "POST_PG",
    "AccountKey",
    "Kind",
    "LedgerImbalance",
    "Posting",
    "Reason",
    "account_id",
    "account_ids",
    "already_posted",
    "balances",
    "brand_key",
    "check_balanced",
    "dispute_fee_key",
    "kept_balances",
    "partner_key",
    "platform_fee_key",
    "post",
    "post_many",
]
