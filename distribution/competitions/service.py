"""Competitions for the API: create (validated), list, read, close, and flags on orders."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout.models import Order
from broadcast.models import Brand
from distribution.competitions import validation
from distribution.competitions.board import LeaderboardStore
from distribution.competitions.closing import close, refresh
from distribution.competitions.counting import entrants, move, rebuild
from distribution.competitions.leaderboard import board_rows, leaderboard, top
from distribution.competitions.models import Competition, CompetitionMember, CompetitionState, OrderFlag, PkOrder
from distribution.competitions.schemas import (
    CompetitionCreate,
    CompetitionPublic,
    EntrantPublic,
    FlagCreate,
    LeaderboardPublic,
)
from distribution.competitions.scoring import counted
from distribution.models import Partner
from server.kernel.clock import utcnow
from server.kernel.ids import new_id
from server.kernel.pagination import Page, fetch_page
from server.kernel.principal import Principal, Role
from server.kernel.problems import IllegalTransition, NotFound


class CompetitionService:
    def __init__(self, session: AsyncSession, board: LeaderboardStore | None) -> None:
        self.session, self.board = session, board

    async def create(self, principal: Principal, brand_id: str, data: CompetitionCreate) -> CompetitionPublic:
        principal.ensure_brand(brand_id)
        if await self.session.get(Brand, brand_id) is None:
            raise NotFound.of("brand", brand_id)
        await validation.check_scope(self.session, brand_id, data)
        validation.check_currency(data.currency)
        validation.check_tiers(data.prize_tiers)
        groups = await validation.check_entrants(self.session, brand_id, data)
        competition = Competition(
            id=new_id("pk"),
            brand_id=brand_id,
            name=data.name,
            session_id=data.scope.session_id,
            starts_at=data.scope.starts_at,
            ends_at=data.scope.ends_at,
            metric=data.metric,
            currency=data.currency,
            entrant_kind="teams" if data.entrants.teams is not None else "partners",
            prize_tiers=[t.model_dump(mode="json") for t in data.prize_tiers],
            after_close_refunds=data.after_close_refunds,
        )
        self.session.add(competition)
        await self.session.flush()
        self.session.add_all(await self._members(competition.id, groups))
        await refresh(self.session, competition, self.board)
        await self.session.commit()
        return await self.public(competition)

    async def _members(self, competition_id: str, groups: list[tuple[str, list[str]]]) -> list[CompetitionMember]:
        members = []
        for team_name, partner_ids in groups:
            key = new_id("pkt") if team_name else partner_ids[0]
            for partner_id in partner_ids:
                partner = await self.session.get(Partner, partner_id)
                name = team_name or (partner.name if partner else partner_id)
                members.append(
                    CompetitionMember(
                        competition_id=competition_id, partner_id=partner_id, entrant_key=key, entrant_name=name
                    )
                )
        return members

    async def public(self, competition: Competition) -> CompetitionPublic:
        found = await entrants(self.session, competition.id)
        body = CompetitionPublic.model_validate(competition)
        body.entrants = [EntrantPublic(key=e.key, name=e.name, partner_ids=list(e.partner_ids)) for e in found]
        return body

    async def fresh(self, competition: Competition) -> Competition:
        """The competition in the state it should be in now (a due one is closed by this read)."""
        if await refresh(self.session, competition, self.board):
            await self.session.commit()
        return competition

    async def visible(self, principal: Principal, competition_id: str) -> Competition:
        """The competition if the caller may see it: its brand, an entrant partner, admin, finance."""
        competition = await self.session.get(Competition, competition_id)
        if competition is None:
            raise NotFound.of("competition", competition_id)
        if principal.role is Role.PARTNER:
            member = await self.session.get(CompetitionMember, (competition_id, principal.partner_id or ""))
            if member is None:
                raise NotFound.of("competition", competition_id)
        else:
            principal.ensure_brand(competition.brand_id, "competition", competition_id)
        return await self.fresh(competition)

    async def of_brand(
        self, principal: Principal, brand_id: str, cursor: str | None, limit: int
    ) -> Page[CompetitionPublic]:
        principal.ensure_brand(brand_id)
        return await self._page(select(Competition).where(Competition.brand_id == brand_id), cursor, limit)

    async def of_partner(
        self, principal: Principal, partner_id: str, cursor: str | None, limit: int
    ) -> Page[CompetitionPublic]:
        principal.ensure_partner(partner_id)
        member = CompetitionMember
        stmt = (
            select(Competition)
            .join(member, col(member.competition_id) == col(Competition.id))
            .where(CompetitionMember.partner_id == partner_id)
        )
        return await self._page(stmt, cursor, limit)

    async def _page(self, stmt: Any, cursor: str | None, limit: int) -> Page[CompetitionPublic]:
        rows, nxt = await fetch_page(self.session, stmt, col(Competition.id), cursor, limit, newest_first=True)
        return Page(items=[await self.public(await self.fresh(c)) for c in rows], next_cursor=nxt)

    async def of_session(self, session_id: str) -> Sequence[Competition]:
        stmt = select(Competition).where(Competition.session_id == session_id).order_by(col(Competition.id).desc())
        return [await self.fresh(c) for c in (await self.session.exec(stmt)).all()]

    async def close(self, principal: Principal, brand_id: str, competition_id: str) -> CompetitionPublic:
        principal.ensure_brand(brand_id)
        competition = await self.session.get(Competition, competition_id, with_for_update=True)
        if competition is None or competition.brand_id != brand_id:
            raise NotFound.of("competition", competition_id)
        if competition.state == CompetitionState.CLOSED:
            raise IllegalTransition("this competition is already closed; its results are frozen")
        now = utcnow()
        at = min(now, competition.ends_at) if competition.ends_at else now
        await close(self.session, competition, at, self.board)
        await self.session.commit()
        return await self.public(competition)

    async def leaderboard(self, principal: Principal, competition: Competition) -> LeaderboardPublic:
        return await leaderboard(self.session, competition, principal, self.board)

    async def top(self, competition: Competition) -> list[dict[str, object]]:
        """The top five as the live room shows them."""
        return top(await board_rows(self.session, competition, self.board))

    async def rebuild(self, principal: Principal, competition_id: str) -> dict[str, int]:
        competition = await self.visible(principal, competition_id)
        return await rebuild(self.session, competition, self.board)


class FlagService:
    def __init__(self, session: AsyncSession, board: LeaderboardStore | None) -> None:
        self.session, self.board = session, board

    async def flag(self, principal: Principal, brand_id: str, order_id: str, data: FlagCreate) -> OrderFlag:
        principal.ensure_brand(brand_id)
        existing = await self.session.get(OrderFlag, order_id)
        if existing is not None:
            if existing.brand_id != brand_id:
                raise NotFound.of("order", order_id)
            return existing
        order = await self._order(brand_id, order_id)
        flag = OrderFlag(order_id=order_id, id=new_id("flg"), brand_id=brand_id, reason=data.reason)
        self.session.add(flag)
        if order is not None:
            await move(self.session, order, counted(order), None, self.board)
        await self.session.commit()
        return flag

    async def unflag(self, principal: Principal, brand_id: str, order_id: str) -> None:
        principal.ensure_brand(brand_id)
        flag = await self.session.get(OrderFlag, order_id)
        if flag is None or flag.brand_id != brand_id:
            raise NotFound.of("order flag", order_id)
        await self.session.delete(flag)
        order = await self.session.get(PkOrder, order_id)
        if order is not None:
            await move(self.session, order, None, counted(order), self.board)
        await self.session.commit()

    async def _order(self, brand_id: str, order_id: str) -> PkOrder | None:
        """The order as competitions know it (None: paid without a partner); 404 if not the brand's."""
        order = await self.session.get(PkOrder, order_id)
        if order is not None:
            if order.brand_id != brand_id:
                raise NotFound.of("order", order_id)
            return order
        placed = await self.session.get(Order, order_id)
        if placed is None or placed.brand_id != brand_id:
            raise NotFound.of("order", order_id)
        return None
