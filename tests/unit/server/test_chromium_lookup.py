"""Where the browser tests look for Chromium, and what they say when there is none."""

from __future__ import annotations

import os

from tests import chromium


def executable(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


def test_each_usual_name_on_path_is_found(tmp_path, monkeypatch):
    monkeypatch.delenv("ZX_CHROMIUM", raising=False)
    for name in chromium.NAMES:
        bin_dir = tmp_path / name
        found = executable(bin_dir / name)
        monkeypatch.setenv("PATH", str(bin_dir))
        assert chromium.find() == str(found)


def test_a_playwright_download_is_found_newest_first(tmp_path, monkeypatch):
    monkeypatch.delenv("ZX_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "pw"))
    executable(tmp_path / "pw" / "chromium-1100" / "chrome-linux" / "chrome")
    newest = executable(tmp_path / "pw" / "chromium-1187" / "chrome-linux64" / "chrome")
    assert chromium.find() == str(newest)


def test_none_found_says_how_to_get_one(tmp_path, monkeypatch):
    monkeypatch.delenv("ZX_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "pw"))
    assert chromium.find() is None
    message = chromium.missing_message()
    assert "apt-get install chromium" in message
    assert "python -m playwright install chromium" in message


def test_zx_chromium_wins_and_a_wrong_one_is_reported(tmp_path, monkeypatch):
    chosen = executable(tmp_path / "my-chrome")
    monkeypatch.setenv("ZX_CHROMIUM", str(chosen))
    assert chromium.find() == str(chosen)
    monkeypatch.setenv("ZX_CHROMIUM", os.fspath(tmp_path / "absent"))
    assert chromium.find() is None
    assert "does not exist" in chromium.missing_message()
