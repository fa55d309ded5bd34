"""What a simulated sale needs: where the server is, who acts, how many viewers and how they behave."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from server.demo.seed import demo_token

# The sharers: three partners, the first with its two store guides (names from the demo seed).
HARBOR, LIN, ZHAO = "Harbor Moms Circle", "Guide Lin (Harbor)", "Guide Zhao (Harbor)"
SHARERS = [HARBOR, LIN, ZHAO, "Campus Deals", "Tea Lovers Club"]
BROWSER_AGENT = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 ZhixiangSimulatedViewer/1.0"


@dataclass(frozen=True)
class Tokens:
    brand: str
    finance: str
    partners: dict[str, str]  # partner name → token

    @classmethod
    def demo(cls, secret_key: str) -> Tokens:
        """The demo seed's tokens, derived from SECRET_KEY exactly as `zhixiang demo` derives them."""
        return cls(
            brand=demo_token(secret_key, "brand", "brand"),
            finance=demo_token(secret_key, "finance", "finance"),
            partners={name: demo_token(secret_key, f"partner: {name}", "partner") for name in SHARERS},
        )


@dataclass
class SaleConfig:
    base_url: str
    tokens: Tokens
    viewers: int = 200
    concurrency: int = 50  # viewers in the room at the same time
    buy_share: float = 0.3  # of the viewers who arrive, this share buys
    direct_share: float = 0.1  # arrive without a partner's link
    refund_share: float = 0.15  # of the paid orders, this share is refunded (half in full, half in part)
    dwell_s: float = 2.0  # how long a viewer stays after acting
    arrive_over_s: float = 0.0  # spread the arrivals over this long (0: all at once, bounded by concurrency)
    lead_s: float = 0.0  # a pause after printing where to watch, before the doors open
    # Every viewer stays until all are in and the brand has read the funnel's live viewer counts
    # (`SaleOutcome.funnel_full_room`); needs concurrency >= viewers. For the end-to-end test.
    hold_room: bool = False
    seed: int = 7
    # the server's STRIPE_WEBHOOK_SECRET: the sale signs two disputes with it (None: no disputes played)
    webhook_secret: str | None = None
    progress: bool = True
    say: Callable[[str], None] = field(default=print)

    @property
    def ws_url(self) -> str:
        return self.base_url.replace("https://", "wss://").replace("http://", "ws://")
