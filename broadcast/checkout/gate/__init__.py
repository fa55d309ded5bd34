"""The stock gate: who may try to buy, answered from Redis (or memory) before the database.
See `port.py` for what it promises and `keeper.py` for why it can never oversell."""

from broadcast.checkout.gate.after_commit import GiveBack, give_back_after_commit
from broadcast.checkout.gate.keeper import GateKeeper
from broadcast.checkout.gate.port import Answer, GateStock, Line, StockGate, Verdict

__all__ = ["Answer", "GateKeeper", "GateStock", "GiveBack", "Line", "StockGate", "Verdict", "give_back_after_commit"]
