"""Page: the outbox's dead letters (`/admin/outbox`, admin) with a Replay button on each; the
buttons call the admin API (`/api/v1/admin/outbox/...`) with the `zx_token` cookie."""

from __future__ import annotations

from typing import Any

from litestar import get
from litestar.response import Template
from sqlmodel.ext.asyncio.session import AsyncSession

from server.events.backlog import read_backlog
from server.events.dead_letters import DeadLetterService
from server.kernel.principal import Role
from server.kernel.routing import roles


@get("/admin/outbox", include_in_schema=False, opt=roles(Role.ADMIN))
async def outbox_page(db: AsyncSession) -> Template:
    letters = await DeadLetterService(db).list(200)
    return Template("outbox.html", context={"letters": letters, "backlog": await read_backlog(db)})


ROUTE_HANDLERS: list[Any] = [outbox_page]
