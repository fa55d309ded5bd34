"""API tokens (stored hashed, shown once), roles, and the guard that enforces them."""
