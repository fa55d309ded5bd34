"""Attribution: which partner (if any) earns on a paid order, and why.

Contract (called by the payments webhook in the same transaction that marks the order paid):
`await attribute_order(session, facts, secret_key=…, phone_region=…) -> dict` — the `attribution` object of `OrderPaid`:
`partner_id, parent_partner_id, link_id, click_id, rule ("last_click" | "replay" | "binding" |
"self_referral" | "none"), clicked_at, bound_since, self_referral (bool), earns (bool: false for
no partner or a self-referral the brand does not pay), policy {attribution_window_days,
protection_period_days, self_referral_earns, default_commission_bps,
partnership_commission_bps}`. It adds rows to the caller's session and never commits.
The rules are in `distribution/attribution/decide.py`."""

from distribution.attribution.decide import as_payload, attribute_order
from distribution.attribution.facts import OrderFacts

__all__ = ["OrderFacts", "as_payload", "attribute_order"]
