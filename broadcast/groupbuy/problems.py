"""The stable problem types of group-buy (409s a page can act on by their `type`)."""

from __future__ import annotations

from server.kernel.problems import Conflict


class GroupFull(Conflict):
    slug, title = "group-full", "This group has no seat left"


class GroupExpired(Conflict):
    slug, title = "group-expired", "This group's time has run out"


class AlreadyInGroup(Conflict):
    slug, title = "already-in-group", "You already hold a seat in this group"


class OfferInactive(Conflict):
    slug, title = "group-offer-inactive", "This group offer is no longer open"
