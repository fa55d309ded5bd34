"""Before the suite: say plainly which real services are here, and what to start if not.

Run by `make test`. Locally a missing service only skips its tests; in CI it fails them."""

from __future__ import annotations

import shutil

from tests import services


def main() -> None:
    checks = {
        "PostgreSQL": services.postgres_available(),
        "Redis": services.redis_available(),
    }
    for name, error in checks.items():
        state = "ok" if error is None else f"MISSING ({type(error).__name__}) — {_hint(name)}"
        print(f"  {name:<11} {state}")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    print(f"  {'Chromium':<11} {chromium or 'MISSING — apt-get install chromium (browser tests need it)'}")
    if services.services_required() and (any(checks.values()) or not chromium):
        print("  CI=true: missing services will fail their tests")


def _hint(name: str) -> str:
    return services.START_HINTS["postgres" if name == "PostgreSQL" else "redis"]


if __name__ == "__main__":
    main()
