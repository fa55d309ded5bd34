"""Running a server binary as a child that cannot outlive the test run.

Three ways a run ends, and what stops the child in each:
- normally, on a failure, on Ctrl-C or SIGTERM: `stop()` from pytest's unconfigure (the preflight
  turns SIGTERM into KeyboardInterrupt so pytest unwinds);
- the controller is killed outright (SIGKILL, pytest-timeout's `os._exit`): the kernel sends the
  child its parent-death signal (prctl PR_SET_PDEATHSIG), set after the child dropped root, because
  a change of user clears it;
- the directory a killed run left behind is swept by the next run (`sweep_stale`).
The child has a session of its own so a Ctrl-C at the terminal reaches pytest only, and pytest can
still drop its databases before the servers stop."""

from __future__ import annotations

import contextlib
import ctypes
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from tests.waiting import eventually_sync

PR_SET_PDEATHSIG = 1
DIR_PREFIX = "zx-embedded-"
_PRCTL = getattr(ctypes.CDLL(None, use_errno=True), "prctl", None)  # Linux only; elsewhere: stop() alone


def unprivileged_user() -> tuple[int, int] | None:
    """(uid, gid) to run servers as when we are root: PostgreSQL refuses to run as root."""
    if os.geteuid() != 0:
        return None
    entry = pwd.getpwnam("nobody")
    return entry.pw_uid, entry.pw_gid


def make_run_dir(service: str, owner: tuple[int, int] | None = None) -> Path:
    """A fresh directory named after this process, owned by the user the server will run as."""
    path = Path(tempfile.mkdtemp(prefix=f"{DIR_PREFIX}{service}-{os.getpid()}-"))
    if owner is not None:
        os.chown(path, *owner)
    return path


def sweep_stale() -> None:
    """Remove directories of runs whose process is gone (killed before it could clean up)."""
    for path in Path(tempfile.gettempdir()).glob(f"{DIR_PREFIX}*"):
        pid = path.name.removeprefix(DIR_PREFIX).split("-")[1]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(path, ignore_errors=True)


def spawn(
    command: list[str], log_path: Path, death_signal: int, user: tuple[int, int] | None = None
) -> subprocess.Popen[bytes]:
    ids = {} if user is None else {"user": user[0], "group": user[1], "extra_groups": []}
    with log_path.open("wb") as log:
        return subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent(death_signal, os.getpid()),
            **ids,  # type: ignore[arg-type]
        )


def run(command: list[str], user: tuple[int, int] | None = None) -> None:
    """A one-off command (initdb), as `user` when given."""
    ids = {} if user is None else {"user": user[0], "group": user[1], "extra_groups": []}
    done = subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL, **ids)  # type: ignore[arg-type]
    if done.returncode != 0:
        raise RuntimeError(f"{Path(command[0]).name} exited with {done.returncode}: {done.stderr.strip()[-1000:]}")


def _die_with_parent(death_signal: int, parent_pid: int) -> Callable[[], None]:
    def preexec() -> None:  # runs in the child, after it changed user (which clears the setting)
        if _PRCTL is None:
            return
        _PRCTL(PR_SET_PDEATHSIG, death_signal)
        if os.getppid() != parent_pid:  # the parent died before prctl: nobody would signal us
            os._exit(1)

    return preexec


def wait_ready(process: subprocess.Popen[bytes], ready: Callable[[], bool], log_path: Path, timeout_s: float) -> None:
    def up() -> bool:
        if process.poll() is not None:
            raise RuntimeError(f"exited with {process.returncode}: {_tail(log_path)}")
        return ready()

    try:
        eventually_sync(up, timeout_s, "ready")
    except AssertionError:
        stop(process, signal.SIGKILL)
        raise RuntimeError(f"not ready after {timeout_s:.0f} s: {_tail(log_path)}") from None


def stop(process: subprocess.Popen[bytes], stop_signal: int, timeout_s: float = 15) -> None:
    """Signal the server, wait for it, kill it if it does not go."""
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(stop_signal)
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _tail(log_path: Path) -> str:
    with contextlib.suppress(OSError):
        return log_path.read_text(errors="replace")[-2000:]
    return "(no log)"
