"""How uvicorn runs the app's websockets: shared by `zhixiang serve` and the tests' in-process
server, so the tests exercise what production runs.

No permessage-deflate. Browsers offer it, and with it every socket keeps its own compressor (a
zlib context with a 32 KiB window, kept for the connection's life) and compresses every frame
itself: the live room's one encoded event becomes one deflate per viewer, and 5,000 viewers
hold 5,000 compressors. Room frames are small JSON (~100 bytes) that deflate barely shrinks, so
the server sends each one as is: the same bytes to every socket, framed and written."""

from __future__ import annotations

from typing import Any

WEBSOCKET_OPTIONS: dict[str, Any] = {
    "ws_max_size": 4096 * 4,  # viewers send small JSON messages; anything larger is refused
    "ws_per_message_deflate": False,
}
