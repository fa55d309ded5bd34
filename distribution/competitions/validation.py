"""Checks on a new competition: every one raises a 4xx problem before anything is written."""

from __future__ import annotations

from decimal import Decimal

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import LiveSession
from distribution.competitions.problems import OverlappingPrizeTiers
from distribution.competitions.ranking import overlapping
from distribution.competitions.schemas import CompetitionCreate, PrizeTier
from distribution.models import Partnership, PartnershipState
from server.kernel.currency import validate_currency
from server.kernel.problems import InvalidInput, NotFound


def invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(f"{field}: {message}", extra={"errors": [{"field": field, "message": message}]})


async def check_scope(session: AsyncSession, brand_id: str, data: CompetitionCreate) -> None:
    scope = data.scope
    if scope.session_id is not None:
        if scope.starts_at is not None or scope.ends_at is not None:
            raise invalid("scope", "give either session_id or starts_at and ends_at, not both")
        live = await session.get(LiveSession, scope.session_id)
        if live is None or live.brand_id != brand_id:
            raise NotFound.of("session", scope.session_id)
        return
    if scope.starts_at is None or scope.ends_at is None:
        raise invalid("scope", "give session_id, or both starts_at and ends_at")
    if scope.ends_at <= scope.starts_at:
        raise invalid("scope.ends_at", "the period must end after it starts")


def check_currency(currency: str) -> None:
    try:
        validate_currency(currency)
    except ValueError as exc:
        raise invalid("currency", str(exc)) from None


def check_tiers(tiers: list[PrizeTier]) -> None:
    for i, tier in enumerate(tiers):
        if tier.rank_from < 1 or tier.rank_from > tier.rank_to:
            raise invalid(f"prize_tiers[{i}]", "need 1 <= rank_from <= rank_to")
        if tier.kind == "bonus_bps" and not Decimal(1) <= tier.amount <= Decimal(10_000):
            raise invalid(f"prize_tiers[{i}].amount", "a bonus is 1..10000 basis points")
        if tier.kind == "fixed" and (tier.amount != tier.amount.to_integral_value() or tier.amount <= 0):
            raise invalid(f"prize_tiers[{i}].amount", "a fixed prize is a positive whole number of minor units")
    clash = overlapping([t.model_dump() for t in tiers])
    if clash is not None:
        a, b = clash
        raise OverlappingPrizeTiers(
            f"prize tiers {a['rank_from']}–{a['rank_to']} and {b['rank_from']}–{b['rank_to']} overlap: "
            "each rank may win one prize only",
            extra={"errors": [{"field": "prize_tiers", "message": "overlapping ranks"}]},
        )


async def approved_partners(session: AsyncSession, brand_id: str) -> list[str]:
    stmt = select(Partnership.partner_id).where(
        Partnership.brand_id == brand_id, Partnership.state == PartnershipState.APPROVED
    )
    return sorted((await session.exec(stmt.order_by(col(Partnership.partner_id)))).all())


async def check_entrants(session: AsyncSession, brand_id: str, data: CompetitionCreate) -> list[tuple[str, list[str]]]:
    """(team name or None, partner ids) per entrant; 422 on an unapproved partner, a partner in two
    teams or fewer than two entrants."""
    entrants, approved = data.entrants, set(await approved_partners(session, brand_id))
    if (entrants.partners is None) == (entrants.teams is None):
        raise invalid("entrants", "give either partners or teams")
    if entrants.teams is not None:
        groups = [(t.name, sorted(set(t.partner_ids))) for t in entrants.teams]
    else:
        groups = [("", [p]) for p in sorted(set(entrants.partners or approved))]
    seen: set[str] = set()
    for _, partner_ids in groups:
        for partner_id in partner_ids:
            if partner_id not in approved:
                raise invalid("entrants", f"partner {partner_id} has no approved partnership with this brand")
            if partner_id in seen:
                raise invalid("entrants", f"partner {partner_id} is in more than one team")
            seen.add(partner_id)
    if len(groups) < 2:
        raise invalid("entrants", "a competition needs at least two entrants (partners or teams)")
    return groups
