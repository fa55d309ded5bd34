"""PK competition prizes in the ledger.

`CompetitionClosed` → one `pk_bonus` transaction per partner with a prize (key
`pk_bonus:{competition_id}:{partner_id}`): the brand pays it out of its *net* and the partner's
*available* balance is credited. Available, not pending: the release job (`release.py`) moves
pending to available per frozen order split (`OrderCommission.hold_until`), so a prize posted to
pending would never be released; the prize is earned on orders that already sit in their own
holds, and a refund after the close is handled by the competition's rule instead.
`CompetitionBonusAdjusted` (rule `adjust_bonus`) → one `pk_bonus_reversed` transaction per refund
(key `pk_bonus_reversed:{competition_id}:{refund_id}`) for exactly the change in each prize."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from commission import ledger
from commission.ledger import Kind, Posting, Reason
from server.kernel.clock import as_utc, utcnow
from server.kernel.outbox import OutboxEvent


def _at(value: Any) -> datetime:
    try:
        return as_utc(datetime.fromisoformat(str(value)))
    except ValueError:
        return utcnow()


def bonus_postings(payload: dict[str, Any]) -> list[Posting]:
    cid, brand_id, currency = payload["competition_id"], payload["brand_id"], payload["currency"]
    postings = []
    for result in payload["results"]:
        for share in result["partners"]:
            amount = int(share["bonus_minor"])
            if amount <= 0:
                continue
            posting = Posting(
                f"{Reason.PK_BONUS.value}:{cid}:{share['partner_id']}",
                Reason.PK_BONUS,
                _at(payload["closed_at"]),
                external_ref=cid,
                brand_id=brand_id,
                memo={"rank": result["rank"], "entrant": result["name"]},
            )
            posting.add(ledger.brand_key(brand_id, Kind.NET, currency), -amount)
            posting.add(ledger.partner_key(share["partner_id"], Kind.AVAILABLE, currency), amount)
            postings.append(posting)
    return postings


async def on_competition_closed(session: AsyncSession, event: OutboxEvent) -> None:
    for posting in bonus_postings(event.payload):
        await ledger.post(session, posting)  # idempotent per (competition, partner)


def adjustment_posting(payload: dict[str, Any]) -> Posting:
    cid, brand_id, currency = payload["competition_id"], payload["brand_id"], payload["currency"]
    posting = Posting(
        f"{Reason.PK_BONUS_REVERSED.value}:{cid}:{payload['refund_id']}",
        Reason.PK_BONUS_REVERSED,
        utcnow(),
        external_ref=cid,
        brand_id=brand_id,
        memo={"refund_id": payload["refund_id"], "order_id": payload["order_id"]},
    )
    for change in payload["adjustments"]:
        delta = int(change["delta_minor"])
        posting.add(ledger.partner_key(change["partner_id"], Kind.AVAILABLE, currency), delta)
        posting.add(ledger.brand_key(brand_id, Kind.NET, currency), -delta)
    return posting


async def on_competition_bonus_adjusted(session: AsyncSession, event: OutboxEvent) -> None:
    posting = adjustment_posting(event.payload)
    if posting.legs:
        await ledger.post(session, posting)
