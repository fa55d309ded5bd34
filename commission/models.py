"""Tables of the commission ledger (added by the commission work)."""

from __future__ import annotations
