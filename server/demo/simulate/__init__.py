"""`zhixiang demo --simulate`: play a whole live sale against a running server through its public
HTTP API and websockets only — the brand goes live, three partners (one with two store guides)
share links, simulated viewers arrive through them, like, comment, cart and buy, the brand pins
SKUs and refunds a few orders, the hold period is cut short, settlement pays out, and finance's
reconciliation is printed. The end-to-end test plays the same sale, smaller, and checks it."""

from server.demo.simulate.config import SaleConfig, Tokens
from server.demo.simulate.outcome import SaleOutcome
from server.demo.simulate.play import play_sale

__all__ = ["SaleConfig", "SaleOutcome", "Tokens", "play_sale"]
