"""Stripe test servers for development and demos, on loopback only: `localstripe` (PaymentIntents,
refunds, signed webhooks) as a child process and the Connect test server (accounts, transfers,
reversals) in a thread. `zhixiang serve --stripe-test-servers` starts both when no STRIPE_API_KEY
is set; the tests use the same code."""
