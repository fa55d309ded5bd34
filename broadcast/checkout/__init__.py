"""Carts, orders, stock reservations, refunds: the part of the live end that takes money.

Money is integer minor units beside an upper-case ISO currency; Stripe sees lower-case currency
only at the call (`gateway.py`). Stock is taken with conditional updates (`stock.py`)."""
