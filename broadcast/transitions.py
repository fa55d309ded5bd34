"""The live session's state machine: which state may follow which."""

from __future__ import annotations

from broadcast.models import SessionState
from server.kernel.problems import Conflict, IllegalTransition

ALLOWED: dict[SessionState, frozenset[SessionState]] = {
    SessionState.SCHEDULED: frozenset({SessionState.LIVE, SessionState.CANCELLED}),
    SessionState.LIVE: frozenset({SessionState.ENDED}),
    SessionState.ENDED: frozenset({SessionState.REPLAY}),  # only by attaching a recording
    SessionState.CANCELLED: frozenset(),
    SessionState.REPLAY: frozenset(),
}


class SessionNotLive(Conflict):
    """One problem type for every promotion that acts only during the live (drops, claims, draws);
    the detail says which."""

    slug, title = "session-not-live", "This is open only while the session is live"


def check_transition(current: SessionState, target: SessionState) -> None:
    if target not in ALLOWED[current]:
        allowed = ", ".join(sorted(s.value for s in ALLOWED[current])) or "nothing (it is final)"
        raise IllegalTransition(
            f"a {current.value} session cannot become {target.value}; from {current.value} it may go to: {allowed}",
            extra={"from": current.value, "to": target.value},
        )


def can_sell(state: SessionState) -> bool:
    """A scheduled (pre-orders, preheat), live or replayed session sells; ended and cancelled never do."""
    return state in (SessionState.SCHEDULED, SessionState.LIVE, SessionState.REPLAY)
