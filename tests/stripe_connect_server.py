"""The Stripe Connect test server lives in `server.devstripe.connect_server` (so `make run` can
start it too); the tests import it from here as before."""

from server.devstripe.connect_server import (  # noqa: F401
    ConnectServer,
    ConnectState,
    fixtures_path,
    load_fixtures,
    running_connect_server,
    stripe_error,
)
