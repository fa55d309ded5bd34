"""HTTP API of PK competitions: thin controllers over CompetitionService / FlagService."""

from __future__ import annotations

from typing import Any

from litestar import Controller, delete, get, post

from distribution.competitions.deps import COMPETITION_DEPENDENCIES, FLAG_DEPENDENCIES
from distribution.competitions.schemas import CompetitionCreate, CompetitionPublic, FlagCreate, LeaderboardPublic
from distribution.competitions.service import CompetitionService, FlagService
from server.kernel.pagination import DEFAULT_LIMIT, Page
from server.kernel.principal import Principal, Role
from server.kernel.problems import NotFound
from server.kernel.routing import PUBLIC, roles

A, B, P, F = Role.ADMIN, Role.BRAND, Role.PARTNER, Role.FINANCE


class CompetitionController(Controller):
    path = "/api/v1"
    tags = ["competitions"]
    dependencies = COMPETITION_DEPENDENCIES

    @post("/brands/{brand_id:str}/competitions", opt=roles(A, B), summary="Start a PK competition")
    async def create(
        self, competitions: CompetitionService, principal: Principal, brand_id: str, data: CompetitionCreate
    ) -> CompetitionPublic:
        return await competitions.create(principal, brand_id, data)

    @get("/brands/{brand_id:str}/competitions", opt=roles(A, B, F), summary="A brand's competitions")
    async def of_brand(
        self,
        competitions: CompetitionService,
        principal: Principal,
        brand_id: str,
        cursor: str | None = None,
        limit: int = DEFAULT_LIMIT,
    ) -> Page[CompetitionPublic]:
        return await competitions.of_brand(principal, brand_id, cursor, limit)

    @get("/brands/{brand_id:str}/competitions/{competition_id:str}", opt=roles(A, B, F), summary="One competition")
    async def get_one(
        self, competitions: CompetitionService, principal: Principal, brand_id: str, competition_id: str
    ) -> CompetitionPublic:
        principal.ensure_brand(brand_id)
        service = competitions
        competition = await service.visible(principal, competition_id)
        if competition.brand_id != brand_id:
            raise NotFound.of("competition", competition_id)
        return await service.public(competition)

    @post(
        "/brands/{brand_id:str}/competitions/{competition_id:str}/close",
        opt=roles(A, B),
        status_code=200,
        summary="Close now: freeze the ranking and pay the bonuses (409 if already closed)",
    )
    async def close(
        self, competitions: CompetitionService, principal: Principal, brand_id: str, competition_id: str
    ) -> CompetitionPublic:
        return await competitions.close(principal, brand_id, competition_id)

    @get("/partners/{partner_id:str}/competitions", opt=roles(A, P, F), summary="Competitions a partner is in")
    async def of_partner(
        self,
        competitions: CompetitionService,
        principal: Principal,
        partner_id: str,
        cursor: str | None = None,
        limit: int = DEFAULT_LIMIT,
    ) -> Page[CompetitionPublic]:
        return await competitions.of_partner(principal, partner_id, cursor, limit)

    @get("/competitions/{competition_id:str}/leaderboard", opt=roles(A, B, P, F), summary="The leaderboard")
    async def board(
        self, competitions: CompetitionService, principal: Principal, competition_id: str
    ) -> LeaderboardPublic:
        competition = await competitions.visible(principal, competition_id)
        return await competitions.leaderboard(principal, competition)

    @get(
        "/sessions/{session_id:str}/pk",
        opt=PUBLIC,
        summary="The live room's PK: the top five of the session's competition (names and scores only)",
    )
    async def of_session(self, competitions: CompetitionService, session_id: str) -> dict[str, Any]:
        found = await competitions.of_session(session_id)
        if not found:
            return {"competition": None}
        competition = found[0]
        return {
            "competition": {
                "id": competition.id,
                "name": competition.name,
                "metric": competition.metric,
                "currency": competition.currency,
                "state": competition.state,
                "top": await competitions.top(competition),
            }
        }


class OrderFlagController(Controller):
    path = "/api/v1/brands/{brand_id:str}/orders/{order_id:str}/flag"
    tags = ["competitions"]
    dependencies = FLAG_DEPENDENCIES

    @post("", opt=roles(A, B), status_code=200, summary="Flag an order: it never counts in a competition")
    async def flag(
        self, flags: FlagService, principal: Principal, brand_id: str, order_id: str, data: FlagCreate
    ) -> dict[str, Any]:
        flag = await flags.flag(principal, brand_id, order_id, data)
        return {"order_id": flag.order_id, "id": flag.id, "reason": flag.reason, "flagged": True}

    @delete("", opt=roles(A, B), summary="Unflag an order")
    async def unflag(self, flags: FlagService, principal: Principal, brand_id: str, order_id: str) -> None:
        await flags.unflag(principal, brand_id, order_id)
