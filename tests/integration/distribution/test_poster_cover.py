"""The poster's cover is fetched as a brand webhook is sent: through the egress rule (a loopback
server is refused unless allowed), a status other than 200 or a body past the cap is no cover."""

from __future__ import annotations

import http.server
import io
import threading
from collections.abc import Iterator

import pytest
from PIL import Image

from distribution.sharing import cover as cover_module
from distribution.sharing.cover import fetch_cover
from server.kernel.egress import LOOPBACK_ALLOW, EgressPolicy


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 200)).save(buffer, format="JPEG")
    return buffer.getvalue()


class Covers(http.server.BaseHTTPRequestHandler):
    body = _jpeg()

    def do_GET(self) -> None:
        if self.path == "/cover.jpg":
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.end_headers()
            self.wfile.write(self.body)
        else:
            self.send_response(302 if self.path == "/moved" else 404)
            self.send_header("Location", "/cover.jpg")
            self.end_headers()

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture
def cover_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Covers)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


async def test_a_cover_is_fetched_only_where_egress_allows(cover_server, monkeypatch):
    allowed = EgressPolicy.parse(LOOPBACK_ALLOW)
    assert await fetch_cover(f"{cover_server}/cover.jpg", "http://unused", allowed) == Covers.body
    assert await fetch_cover("/cover.jpg", cover_server, allowed) == Covers.body  # relative: the site's own
    assert await fetch_cover(f"{cover_server}/cover.jpg", "http://unused", EgressPolicy()) is None  # loopback refused
    assert await fetch_cover(f"{cover_server}/moved", "http://unused", allowed) is None  # no redirects
    assert await fetch_cover(f"{cover_server}/gone", "http://unused", allowed) is None
    assert await fetch_cover("file:///etc/passwd", "http://unused", allowed) is None
    assert await fetch_cover(None, "http://unused", allowed) is None
    monkeypatch.setattr(cover_module, "MAX_COVER_BYTES", 100)
    assert await fetch_cover(f"{cover_server}/cover.jpg", "http://unused", allowed) is None  # past the cap
