"""Bounds on unpaid holds, so one client cannot sit on a sale's stock with checkouts it never pays:
open unpaid orders per client address and per visitor in a session (`guard.py`), and the share of
a SKU's unsold units that may be held unpaid at once (`share.py`). Both refuse with 409
`holds-exhausted` and say when the oldest hold lapses (`problems.py`)."""

from broadcast.checkout.holds.guard import HoldGuard
from broadcast.checkout.holds.problems import HoldsExhausted
from broadcast.checkout.holds.share import check_share, share_cap

__all__ = ["HoldGuard", "HoldsExhausted", "check_share", "share_cap"]
