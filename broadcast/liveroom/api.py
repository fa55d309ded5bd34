"""HTTP side of the live room: a brand removes a comment, and every room sees it go."""

from __future__ import annotations

from litestar import Controller, Request, delete
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.liveroom import runtime
from broadcast.liveroom.comments import delete_comment
from server.kernel.principal import Principal, Role
from server.kernel.routing import roles


class RoomCommentController(Controller):
    path = "/api/v1/sessions/{session_id:str}/comments"
    tags = ["live room"]

    @delete(
        "/{comment_id:str}",
        opt=roles(Role.ADMIN, Role.BRAND),
        status_code=204,
        summary="Remove a comment from the live room (everyone sees it go)",
    )
    async def remove(
        self,
        request: Request,  # type: ignore[type-arg]
        db: AsyncSession,
        principal: Principal,
        session_id: str,
        comment_id: str,
    ) -> None:
        await delete_comment(db, principal, session_id, comment_id)
        await runtime.of(request.app).announce(session_id, {"type": "comment_deleted", "id": comment_id})
