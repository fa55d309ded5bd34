"""The PostgreSQL 16 binaries of the `pgserver` package, where the server's user can run them.

PostgreSQL refuses to run as root, so as root the server runs as `nobody` (see postgres_server.py).
`nobody` must then reach the binaries: a clone under /root (mode 700) hides its .venv. Rather than
open up the owner's directories (what pgserver's own class does: it chmods every parent), we copy
the install (bin, lib, share and the wheel's bundled libraries: ~28 MB, a fraction of a second)
into the run's own directory, which goes when the run ends. The copy keeps the wheel's layout:
the binaries find libpq through the relative RPATH `$ORIGIN/../../../pgserver.libs`, and
PostgreSQL finds its lib/ and share/ relative to its binary."""

from __future__ import annotations

import importlib.util
import shutil
import stat
from pathlib import Path

RUNTIME_PARTS = ("bin", "lib", "share")
BUNDLED_LIBS = "pgserver.libs"  # next to the package in site-packages (auditwheel's repair)


def pgserver_install() -> Path:
    """pgserver's pginstall directory, found without importing pgserver (its import writes lock files)."""
    spec = importlib.util.find_spec("pgserver")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the `pgserver` package is not installed (pip install -e '.[dev]')")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall"


def bin_dir_for(user: tuple[int, int] | None, run_dir: Path) -> Path:
    """The bin directory to run: pgserver's own, or (when `user` cannot reach it) a copy in `run_dir`."""
    install = pgserver_install()
    if user is None or others_can_run(install / "bin" / "postgres"):
        return install / "bin"
    return _copy(install, run_dir) / "bin"


def others_can_run(binary: Path) -> bool:
    """Every directory above the binary, and the binary itself, executable by others."""
    return all(path.stat().st_mode & stat.S_IXOTH for path in [binary, *binary.parents])


def _copy(install: Path, run_dir: Path) -> Path:
    site = install.parent.parent
    copy = run_dir / "site" / install.parent.name / install.name
    for part in RUNTIME_PARTS:
        shutil.copytree(install / part, copy / part, symlinks=True)
    if (site / BUNDLED_LIBS).is_dir():
        shutil.copytree(site / BUNDLED_LIBS, run_dir / "site" / BUNDLED_LIBS, symlinks=True)
    return copy
