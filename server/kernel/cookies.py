"""Cookie and query names shared by the live room, the tracked links and checkout."""

from __future__ import annotations

# An anonymous viewer's stable id (random, url-safe); set by whichever page sees the viewer first.
VISITOR_COOKIE = "zx_vid"
# The signed attribution token set by `GET /l/{code}`; only distribution can read its contents.
ATTRIBUTION_COOKIE = "zx_attr"
# The link code a viewer came through, passed on the live room URL (`/live/{id}?ref=CODE`) and
# its websocket (`/ws/sessions/{id}?ref=CODE`); unverified, used only for funnel counting.
REF_PARAM = "ref"
