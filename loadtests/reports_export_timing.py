"""Timing an export job for `python -m loadtests reports`: from its POST to the file's last byte,
with the slowest start-or-follow request apart (what a user waits on per request) from the
download (which grows with the export)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx

Timer = Callable[[httpx.Client, str, str], tuple[float, int]]


def time_job(client: httpx.Client, path: str, token: str, fetch: Timer) -> tuple[float, int, float, float]:
    """An export job from POST to the file's last byte: (total ms, bytes, slowest start-or-follow
    request ms, download ms)."""
    headers = {"Authorization": f"Bearer {token}"}
    started = time.perf_counter()
    job = client.post(path, json={}, headers=headers)
    slowest = (time.perf_counter() - started) * 1000
    body = job.json()
    while body.get("state") == "running":
        time.sleep(0.02)  # polling a job: the benchmark's own pacing, not a test's
        asked = time.perf_counter()
        body = client.get(f"{path}/{body['id']}", headers=headers).json()
        slowest = max(slowest, (time.perf_counter() - asked) * 1000)
    if body.get("state") != "finished":
        raise RuntimeError(f"export job {body}")
    download_ms, size = fetch(client, body["file_url"], token)
    return (time.perf_counter() - started) * 1000, size, slowest, download_ms


def timer(
    client: httpx.Client, path: str, token: str, requests: list[tuple[float, float]], fetch: Timer
) -> tuple[float, int]:
    """A plain read timed by `fetch`; an export job (its path ends in /statement-exports) whole."""
    if not path.endswith("/statement-exports"):
        return fetch(client, path, token)
    total, size, slowest, download_ms = time_job(client, path, token, fetch)
    requests.append((slowest, download_ms))
    return total, size


def job_note(big: dict[str, Any]) -> str:
    """Export jobs are timed from the POST to the file's last byte (that grows with the export);
    what a user waits on per request is the start and each follow, judged by the goal's max."""
    return "".join(
        f"{name}: timed from its POST to the file's last byte; its slowest start or follow request "
        f"{f['job_request_max_ms']} ms, the file's download {f['job_download_median_ms']} ms median. "
        for name, f in big["reads"].items()
        if f.get("job_request_max_ms") is not None
    )
