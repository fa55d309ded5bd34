"""Problems only the distribution end raises (each with a stable `type`)."""

from __future__ import annotations

from server.kernel.problems import Conflict, Forbidden


class PartnerTreeCycle(Conflict):
    slug, title = "partner-tree-cycle", "That parent would make the partner tree a cycle"


class PartnershipRequired(Forbidden):
    slug, title = "partnership-required", "An approved partnership with the brand is required"
