"""The Stripe Connect test server fixtures of the commission tests, for the PK payout test."""

from tests.integration.commission.conftest import connect_fixtures, connect_server  # noqa: F401
