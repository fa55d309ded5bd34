"""Port: is a `?ref=` link code backed by this browser's own visit through that link?

The live end counts room activity (viewers, likes, cart adds) per link code for the partners'
funnels, but a code on a URL proves nothing: anyone can open sockets with a partner's code. The
distribution end, which knows links, clicks and the signed attribution cookie, registers a
voucher on `app.state` under `REF_VOUCHER_STATE`; the live end asks it and counts a code only when
it says yes. No voucher registered (an app without the distribution end): no code counts."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, Protocol

import structlog

REF_VOUCHER_STATE = "ref_voucher"


class RefVoucher(Protocol):
    def __call__(self, ref: str, visitor_id: str | None, attribution_token: str | None) -> Awaitable[bool]:
        """True if this browser (visitor cookie, `zx_attr` cookie) came through the link `ref`'s partner."""
        ...


async def vouched_ref(state: Any, ref: str | None, visitor_id: str | None, attribution_token: str | None) -> str | None:
    """`ref` if the registered voucher backs it, else None (counted as no link)."""
    voucher: RefVoucher | None = getattr(state, REF_VOUCHER_STATE, None)
    if not ref or voucher is None:
        return None
    try:
        backed = await voucher(ref, visitor_id, attribution_token)
    except Exception:  # the database briefly away must not keep a viewer out: the code just does not count
        structlog.get_logger("referrals").warning("ref not vouched: voucher failed", exc_info=True)
        return None
    return ref if backed else None
