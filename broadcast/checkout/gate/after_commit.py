"""Units go back to the gate only once the database has them back: a give-back waits for the
commit of the transaction that released the units, and is dropped if it rolls back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout.gate.keeper import GateKeeper
from broadcast.checkout.gate.port import Line
from broadcast.checkout.gate.runtime import INFO_KEY

PENDING_KEY = "stock_gate_give_backs"


@dataclass(frozen=True)
class GiveBack:
    session_id: str
    visitor_id: str
    key: str
    lines: Sequence[Line]


def give_back_after_commit(session: AsyncSession, give_back: GiveBack) -> None:
    if session.info.get(INFO_KEY) is None:  # no gate in this process (CLI): the reconcile pass catches up
        return
    pending: list[GiveBack] | None = session.info.get(PENDING_KEY)
    if pending is None:
        pending = session.info[PENDING_KEY] = []
        event.listen(session.sync_session, "after_commit", _send)
        event.listen(session.sync_session, "after_rollback", _drop)
    pending.append(give_back)


def _send(sync_session: Any) -> None:
    keeper: GateKeeper = sync_session.info[INFO_KEY]
    pending: list[GiveBack] = sync_session.info[PENDING_KEY]
    for g in pending:
        keeper.give_soon(g.session_id, g.visitor_id, g.key, g.lines)
    pending.clear()


def _drop(sync_session: Any) -> None:
    sync_session.info[PENDING_KEY].clear()
