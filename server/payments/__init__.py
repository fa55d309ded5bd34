"""Stripe: the client, the webhook entry and its per-event handlers (filled in by checkout)."""
