"""Outbox handlers: show the draw in the room when it opens and when it is drawn; close it when
its session ends."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.liveroom.runtime import LiveRoom
from broadcast.lottery.session_end import on_session_over
from server.kernel.outbox import OutboxEvent


async def on_lottery_changed(session: AsyncSession, event: OutboxEvent, *, room: LiveRoom | None) -> None:
    if room is not None:  # e.g. a CLI process has no live room to publish from
        await room.publish(event.payload["session_id"], event.payload["message"])


EVENT_HANDLERS: dict[str, list[Any]] = {
    "LotteryOpened": [on_lottery_changed],
    "LotteryDrawn": [on_lottery_changed],
    "SessionStateChanged": [on_session_over],
}
