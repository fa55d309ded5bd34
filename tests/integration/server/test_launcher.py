"""The launcher tests and benchmarks share (server/ops/launcher.py): a server that dies or never
answers fails fast with its own log in the error, and is never left running."""

from __future__ import annotations

import os
import sys
import time

import pytest

from server.ops.launcher import free_port, port_open, serve_process


def test_a_server_that_exits_at_start_fails_with_its_log(tmp_path):
    argv = [sys.executable, "-c", "import sys; print('boom: no database'); sys.exit(3)"]
    with (
        pytest.raises(RuntimeError, match="boom: no database"),
        serve_process("dies", argv, free_port(), log_dir=tmp_path),
    ):
        pass


def test_a_server_that_never_answers_is_given_up_on_within_the_bound_and_stopped(tmp_path):
    pid_file = tmp_path / "pid"
    code = f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); print('stuck', flush=True); time.sleep(60)"
    argv = [sys.executable, "-c", code]
    started = time.monotonic()
    served = serve_process("sleeper", argv, free_port(), log_dir=tmp_path, ready_timeout_s=1, stop_timeout_s=5)
    with pytest.raises(RuntimeError, match="not ready after 1 s") as failure, served:
        pass
    assert time.monotonic() - started < 15
    assert "stuck" in str(failure.value)  # its log
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid_file.read_text()), 0)  # stopped and reaped, not left behind


def test_a_ready_server_is_stopped_gracefully_when_the_block_ends(tmp_path):
    port = free_port()
    serve = f"import http.server as h; h.HTTPServer(('127.0.0.1', {port}), h.BaseHTTPRequestHandler).serve_forever()"
    with serve_process("plain", [sys.executable, "-c", serve], port, ready=port_open(port), log_dir=tmp_path) as server:
        assert server.process.poll() is None
    assert server.process.returncode == -15  # SIGTERM, not SIGKILL
