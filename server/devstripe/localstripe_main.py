"""`python -m server.devstripe.localstripe_main --port N --from-scratch`: localstripe, minus its
habit of pickling the whole store to the shared /tmp/localstripe.pickle after every write."""

from __future__ import annotations

from localstripe import resources, server

resources.Store.dump_to_disk = lambda self: None  # type: ignore[method-assign]

if __name__ == "__main__":
    server.start()
