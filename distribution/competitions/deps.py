"""What the competition controllers are given (Litestar `Provide`): the services, built with the
request's database session and the app's live leaderboard (`app.state.leaderboard`, made by
`leaderboard_lifespan`)."""

from __future__ import annotations

from litestar.datastructures import State
from litestar.di import Provide
from sqlmodel.ext.asyncio.session import AsyncSession

from distribution.competitions.service import CompetitionService, FlagService


async def provide_competitions(db: AsyncSession, state: State) -> CompetitionService:
    return CompetitionService(db, state.get("leaderboard"))


async def provide_flags(db: AsyncSession, state: State) -> FlagService:
    return FlagService(db, state.get("leaderboard"))


COMPETITION_DEPENDENCIES = {"competitions": Provide(provide_competitions)}
FLAG_DEPENDENCIES = {"flags": Provide(provide_flags)}
