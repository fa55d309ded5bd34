"""The lottery's stable problem types."""

from __future__ import annotations

from server.kernel.problems import Conflict, InvalidInput


class LotteryClosed(Conflict):
    slug, title = "lottery-closed", "This lottery is closed"


class LotteryAlreadyOpen(Conflict):
    slug, title = "lottery-already-open", "This session already has an open lottery"


class NotEligible(InvalidInput):
    slug, title = "lottery-not-eligible", "You cannot enter this lottery yet"
