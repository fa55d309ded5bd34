"""As root the embedded PostgreSQL runs as `nobody`, who must reach the binaries even when the
clone (and its .venv) sits in a directory only root can enter, like /root."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.embedded import pg_install, process

NOBODY = (65534, 65534)


@pytest.fixture
def private_install(tmp_path, monkeypatch):
    """A stand-in site-packages (pgserver/pginstall, pgserver.libs) inside a 0700 directory."""
    private = tmp_path / "root-only"
    install = private / "site-packages" / "pgserver" / "pginstall"
    for part in pg_install.RUNTIME_PARTS:
        (install / part).mkdir(parents=True)
    (private / "site-packages" / pg_install.BUNDLED_LIBS).mkdir()
    (private / "site-packages" / pg_install.BUNDLED_LIBS / "libpq-0.so.5").write_text("")
    postgres = install / "bin" / "postgres"
    postgres.write_text("#!/bin/sh\necho postgres ran\n")
    postgres.chmod(0o755)
    private.chmod(0o700)
    monkeypatch.setattr(pg_install, "pgserver_install", lambda: install)
    return install


@pytest.fixture
def run_dir():
    """Like the embedded server's run directory: under /tmp, owned by the server's user."""
    path = Path(tempfile.mkdtemp(prefix="zx-test-run-"))
    if os.geteuid() == 0:
        os.chown(path, *NOBODY)
    yield path
    shutil.rmtree(path)


def test_without_a_user_change_the_install_is_used_where_it_is(private_install, run_dir):
    assert pg_install.bin_dir_for(None, run_dir) == private_install / "bin"


def test_a_hidden_install_is_copied_into_the_run_keeping_the_wheel_layout(private_install, run_dir):
    bin_dir = pg_install.bin_dir_for(NOBODY, run_dir)
    assert bin_dir.is_relative_to(run_dir)
    # the binaries' RPATH is $ORIGIN/../../../pgserver.libs
    assert (bin_dir / ".." / ".." / ".." / pg_install.BUNDLED_LIBS / "libpq-0.so.5").resolve().is_file()
    if os.geteuid() == 0:
        done = subprocess.run([bin_dir / "postgres"], user=NOBODY[0], group=NOBODY[1], capture_output=True, text=True)
        assert done.stdout == "postgres ran\n"


def test_root_runs_postgres_as_nobody():
    assert process.unprivileged_user() == (None if os.geteuid() != 0 else NOBODY)
