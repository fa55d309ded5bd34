"""`python -m server.kernel.contracts`: rewrite docs/events.md from the contracts."""

from server.kernel.contracts.docs import write

if __name__ == "__main__":
    print(f"wrote {write()}")
