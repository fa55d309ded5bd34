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
    """A stand-in pginstall (bin/postgres prints its name) inside a 0700 directory."""
    private = tmp_path / "root-only"
    install = private / "pginstall"
    for part in pg_install.RUNTIME_PARTS:
        (install / part).mkdir(parents=True)
    postgres = install / "bin" / "postgres"
    postgres.write_text("#!/bin/sh\necho postgres ran\n")
    postgres.chmod(0o755)
    private.chmod(0o700)
    shared = Path(tempfile.mkdtemp(prefix="zx-test-shared-"))  # like /tmp: others can enter
    shared.chmod(0o755)
    monkeypatch.setattr(pg_install, "pgserver_install", lambda: install)
    monkeypatch.setattr(pg_install.tempfile, "gettempdir", lambda: str(shared))
    yield install
    shutil.rmtree(shared)


def test_without_a_user_change_the_install_is_used_where_it_is(private_install):
    assert pg_install.bin_dir_for(None) == private_install / "bin"


def test_a_hidden_install_is_copied_once_where_nobody_can_run_it(private_install):
    first = pg_install.bin_dir_for(NOBODY)
    assert not first.is_relative_to(private_install.parent)
    assert pg_install._others_can_run(first / "postgres")
    assert pg_install.bin_dir_for(NOBODY) == first  # the copy is reused by the next run
    if os.geteuid() == 0:
        done = subprocess.run([first / "postgres"], user=NOBODY[0], group=NOBODY[1], capture_output=True, text=True)
        assert done.stdout == "postgres ran\n"


def test_a_directory_someone_else_planted_under_the_name_is_not_run(private_install):
    planted = pg_install.bin_dir_for(NOBODY).parent
    planted.chmod(0o777)  # writable by others: it could be anyone's
    again = pg_install.bin_dir_for(NOBODY)
    assert again.parent != planted


def test_root_runs_postgres_as_nobody():
    assert process.unprivileged_user() == (None if os.geteuid() != 0 else NOBODY)
