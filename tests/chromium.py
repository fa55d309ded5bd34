"""Finding a Chromium for the browser tests: ZX_CHROMIUM, the usual names on PATH, or a browser
Playwright downloaded (`python -m playwright install chromium`) into its own directory."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from pathlib import Path

NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")
# Where `playwright install` unpacks Chromium (Linux, macOS), newest revision last after sorting.
PLAYWRIGHT_GLOBS = (
    "chromium-*/chrome-linux*/chrome",
    "chromium-*/chrome-mac*/Chromium.app/Contents/MacOS/Chromium",
    "chromium_headless_shell-*/chrome-headless-shell-linux*/chrome-headless-shell",
    "chromium_headless_shell-*/chrome-linux/headless_shell",
)
HOW_TO_GET = (
    "install the OS package (`apt-get install chromium`, `brew install --cask chromium`), or run "
    "`.venv/bin/python -m playwright install chromium` where the internet is reachable, or set ZX_CHROMIUM"
)


def find() -> str | None:
    explicit = os.environ.get("ZX_CHROMIUM")
    if explicit:
        return explicit if os.path.exists(explicit) else None
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    return _playwright_download()


def missing_message() -> str:
    where = f"ZX_CHROMIUM={os.environ['ZX_CHROMIUM']} does not exist" if os.environ.get("ZX_CHROMIUM") else None
    return f"Chromium not found ({where or 'not on PATH as ' + ', '.join(NAMES) + ', nor in Playwright’s directory'}): {HOW_TO_GET}"


def _playwright_download() -> str | None:
    root = _playwright_browsers_dir()
    for pattern in PLAYWRIGHT_GLOBS:
        found = sorted(root.glob(pattern))
        if found:
            return str(found[-1])
    return None


def _playwright_browsers_dir() -> Path:
    configured = os.environ.get("PLAYWRIGHT_BROWSERS_PATH")
    if configured == "0":  # Playwright's convention: inside the installed package
        spec = importlib.util.find_spec("playwright")
        package = Path(next(iter(spec.submodule_search_locations or []), ".")) if spec else Path(".")
        return package / "driver" / "package" / ".local-browsers"
    if configured:
        return Path(configured)
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "ms-playwright"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "ms-playwright"
