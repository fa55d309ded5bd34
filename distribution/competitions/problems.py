"""Problems only PK competitions raise (each with a stable `type`)."""

from __future__ import annotations

from server.kernel.problems import InvalidInput


class OverlappingPrizeTiers(InvalidInput):
    slug, title = "overlapping-prize-tiers", "Two prize tiers cover the same rank"
