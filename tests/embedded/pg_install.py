"""The PostgreSQL 16 binaries of the `pgserver` package, where the server's user can run them.

PostgreSQL refuses to run as root, so as root the server runs as `nobody` (see postgres_server.py).
`nobody` must then reach the binaries: a clone under /root (mode 700) hides its .venv. Rather than
open up the owner's directories (what pgserver's own class does: it chmods every parent), we copy
the install (bin, lib, share: ~27 MB, a fraction of a second) once into a world-readable cache
directory and run it from there; PostgreSQL finds its lib/ and share/ relative to its binary."""

from __future__ import annotations

import contextlib
import importlib.metadata
import importlib.util
import os
import shutil
import stat
import tempfile
from pathlib import Path

RUNTIME_PARTS = ("bin", "lib", "share")
OTHERS_X = stat.S_IXOTH


def pgserver_install() -> Path:
    """pgserver's pginstall directory, found without importing pgserver (its import writes lock files)."""
    spec = importlib.util.find_spec("pgserver")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the `pgserver` package is not installed (pip install -e '.[dev]')")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall"


def bin_dir_for(user: tuple[int, int] | None) -> Path:
    """The bin directory to run: pgserver's own, or (as root, when `nobody` cannot reach it) a copy."""
    install = pgserver_install()
    if user is None or _others_can_run(install / "bin" / "postgres"):
        return install / "bin"
    return _shared_copy(install) / "bin"


def _others_can_run(binary: Path) -> bool:
    """Every directory above the binary, and the binary itself, executable by others."""
    return all(path.stat().st_mode & OTHERS_X for path in [binary, *binary.parents])


def _shared_copy(install: Path) -> Path:
    version = importlib.metadata.version("pgserver")
    target = Path(tempfile.gettempdir()) / f"zx-pgserver-{version}"
    if (target / "bin" / "postgres").exists() and _ours(target):
        return target
    staging = Path(tempfile.mkdtemp(prefix=f"{target.name}.", dir=target.parent))
    for part in RUNTIME_PARTS:
        shutil.copytree(install / part, staging / part, symlinks=True)
    staging.chmod(0o755)  # mkdtemp made it 0700
    with contextlib.suppress(OSError):  # another run got there first: theirs is as good as ours
        os.rename(staging, target)
    if (target / "bin" / "postgres").exists() and _ours(target):
        shutil.rmtree(staging, ignore_errors=True)
        return target
    return staging  # the name is taken by someone else's directory: never run binaries we did not copy


def _ours(path: Path) -> bool:
    """Made by this user and writable by nobody else (/tmp is shared: no planted binaries)."""
    info = path.stat()
    return info.st_uid == os.geteuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
