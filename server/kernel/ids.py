"""Prefixed, time-ordered public ids (`brd_01j…`): sortable by creation, unguessable in the tail."""

from __future__ import annotations

from ulid import ULID

PREFIXES = {
    "brand": "brd",
    "sku": "sku",
    "session": "ses",
    "lineup": "lnu",
    "pin": "pin",
    "token": "tok",
    "partner": "ptn",
    "partnership": "pts",
    "event": "evt",
    "comment": "cmt",
    "link": "lnk",
    "click": "clk",
    "attribution": "atr",
    "binding": "bnd",
    "cart_item": "cit",
    "order": "ord",
    "order_line": "orl",
    "order_event": "ore",
    "refund": "rfd",
    "refund_mismatch": "rfm",
    "commission_rule": "cmr",
    "ledger_account": "lac",
    "journal_transaction": "jtx",
    "settlement_run": "stl",
    "payout": "po",
    "release_batch": "rlb",
    # live promotions
    "coupon": "cpn",
    "coupon_drop": "cpd",
    "coupon_claim": "cpc",
    "lottery": "lot",
    "lottery_entry": "lte",
    "group_offer": "gbo",
    "group": "grp",
    "group_member": "gbm",
    "reminder": "rms",
    "notifier": "ntr",
    "notification": "ntf",
    "competition": "pk",
    "competition_team": "pkt",
    "competition_result": "pkr",
    "order_flag": "flg",
}


def new_id(prefix: str) -> str:
    return f"{prefix}_{str(ULID()).lower()}"


def has_prefix(value: str, prefix: str) -> bool:
    return value.startswith(f"{prefix}_") and len(value) == len(prefix) + 27
