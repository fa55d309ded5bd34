"""Group-buy (拼团): a SKU at a group price when N buyers join within T minutes.

A buyer opens a group (seat 1) or joins one through its share link; each seat is an ordinary
order (one unit at the group price, stock held, a Stripe PaymentIntent). When all N seats are
taken and paid the group fills; when its time runs out first, every paid order in it is refunded
in full through Stripe and the unpaid ones are closed (see `lifecycle.py`)."""
