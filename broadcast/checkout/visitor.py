"""What checkout reads of the viewer's request: the raw `zx_attr` token its browser carries (the
visitor cookie itself is made in `server.kernel.cookies`) and who holds stock (`hold_guard`)."""

from __future__ import annotations

from typing import Any

from litestar import Request

from broadcast.checkout.holds import HoldGuard
from broadcast.checkout.holds.hints import ShareHints
from server.kernel.client_address import client_address
from server.kernel.cookies import ATTRIBUTION_COOKIE

HINTS_STATE = "hold_share_hints"


def attribution_token(request: Request[Any, Any, Any]) -> str | None:
    token = request.cookies.get(ATTRIBUTION_COOKIE)
    return token[:2000] if token else None


def hold_guard(request: Request[Any, Any, Any]) -> HoldGuard:
    """This request's holder: its client address, the operator's cap on open unpaid orders, and the
    worker's memory of SKUs whose unpaid share is full."""
    state = request.app.state
    hints = getattr(state, HINTS_STATE, None)
    if hints is None:
        hints = ShareHints()
        setattr(state, HINTS_STATE, hints)
    return HoldGuard(client_address(request), state.settings.unpaid_holds_per_client, hints)
