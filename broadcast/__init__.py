"""The live end: brands, SKUs and stock, live sessions and their line-ups, pins, the live room,
carts, orders and payments. Imports no other domain."""
