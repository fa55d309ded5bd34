"""`make test` with nothing installed: when nothing answers at ZX_TEST_PG_URL / ZX_TEST_REDIS_URL,
the run starts a private PostgreSQL and Redis, real tests pass against them, and they are gone
afterwards — after a green run, on Ctrl-C, on SIGTERM, and (through the parent-death signal and the
next run's sweep) when the run is killed outright."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.embedded import process
from tests.embedded.ports import free_port
from tests.live_server import ROOT
from tests.waiting import eventually_sync

RACE_TEST = "tests/integration/checkout/test_stock_race.py::test_one_viewer_racing_checkouts_gets_one_order"
REDIS_ROOM_TEST = "tests/integration/broadcast/liveroom/test_room_socket.py::test_likes_are_counted_and_broadcast_coalesced[redis-postgres]"
EMBEDDED_LINE = re.compile(
    r"^(PostgreSQL|Redis) +embedded (\S+) in (\S+) \(pid (\d+), 127\.0\.0\.1:(\d+)", re.MULTILINE
)


@dataclass
class Embedded:
    service: str
    version: str
    directory: str
    pid: int


def closed_ports_env() -> dict[str, str]:
    """This process's environment with the service URLs pointing where nothing listens."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["ZX_TEST_PG_URL"] = f"postgresql://postgres@127.0.0.1:{free_port()}/test"
    env["ZX_TEST_REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"
    return env


def embedded_in(output: str) -> list[Embedded]:
    return [Embedded(m[1], m[2], m[3], int(m[4])) for m in EMBEDDED_LINE.finditer(output)]


def processes_using(directory: str) -> list[int]:
    """Live processes whose command line names `directory` (a server and its children)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes()
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if directory.encode() in cmdline and state != "Z":
            found.append(int(proc.name))
    return found


def assert_gone(servers: list[Embedded], timeout_s: float = 20) -> None:
    with contextlib.suppress(AssertionError):  # the assertions below say which is left
        eventually_sync(lambda: not any(processes_using(s.directory) for s in servers), timeout_s, every_s=0.1)
    for server in servers:
        assert processes_using(server.directory) == [], f"{server.service} still running"
        assert not Path(server.directory).exists(), f"{server.directory} left behind"


def pytest_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-o", "addopts=", *args]


def test_with_nothing_answering_a_race_and_redis_room_tests_pass_on_embedded_servers():
    args = ["-n", "2", RACE_TEST, REDIS_ROOM_TEST]  # two workers: both use the one pair of servers
    done = subprocess.run(
        pytest_command(*args), env=closed_ports_env(), cwd=ROOT, capture_output=True, text=True, timeout=400
    )
    output = done.stdout + done.stderr
    servers = embedded_in(output)
    assert [(s.service, s.version.split(".")[0]) for s in servers] == [("PostgreSQL", "16"), ("Redis", "6")], output
    assert done.returncode == 0, output[-4000:]
    assert re.search(r"\b2 passed\b", output) and "skipped" not in output, output[-4000:]
    assert_gone(servers)


class Run:
    """A pytest run in the background whose output we watch while it runs."""

    def __init__(self, *args: str) -> None:
        self.output = ""
        self.proc = subprocess.Popen(
            pytest_command(*args),
            env=closed_ports_env(),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        while chunk := self.proc.stdout.read1(4096):
            self.output += chunk.decode(errors="replace")

    def wait_for(self, text: str, timeout_s: float = 120) -> None:

        def printed() -> bool:
            assert self.proc.poll() is None, f"run ended before {text!r}:\n{self.output[-3000:]}"
            return text in self.output

        eventually_sync(printed, timeout_s, f"{text!r} printed (output: {self.output[-3000:]})")

    def servers(self) -> list[Embedded]:
        servers = embedded_in(self.output)
        assert len(servers) == 2, self.output
        return servers


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_an_interrupted_run_stops_and_removes_its_servers(stop_signal):
    run = Run("-p", "no:xdist", "-v", RACE_TEST)
    run.wait_for("test_one_viewer_racing_checkouts_gets_one_order")  # the test is running now
    servers = run.servers()
    run.proc.send_signal(stop_signal)
    run.proc.wait(timeout=60)
    assert_gone(servers)


def test_a_killed_run_takes_its_servers_along_and_the_next_run_sweeps_their_files():
    run = Run("-p", "no:xdist", "-v", RACE_TEST)
    run.wait_for("test_one_viewer_racing_checkouts_gets_one_order")
    servers = run.servers()
    run.proc.kill()
    run.proc.wait(timeout=30)
    with contextlib.suppress(AssertionError):  # the assertion below says which is left
        eventually_sync(lambda: not any(processes_using(s.directory) for s in servers), 20, every_s=0.1)
    assert [processes_using(s.directory) for s in servers] == [[], []]
    assert all(Path(s.directory).exists() for s in servers)  # nobody could remove them …
    process.sweep_stale()
    assert_gone(servers)  # … until the next run starts
