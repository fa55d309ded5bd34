"""Channels for the live room: Redis pub/sub across workers when Redis is configured, memory in
one process otherwise. Channel names carry the namespace themselves, because the pub/sub backend
publishes to the channel name as given (its key_prefix only names its keys)."""

from __future__ import annotations

from typing import Any

from litestar.channels import ChannelsPlugin
from litestar.channels.backends.memory import MemoryChannelsBackend
from litestar.channels.backends.redis import RedisChannelsPubSubBackend


def channels_plugin(namespace: str, redis: Any) -> ChannelsPlugin:
    backend = (
        RedisChannelsPubSubBackend(redis=redis, key_prefix=f"{namespace}:channels")
        if redis is not None
        else MemoryChannelsBackend()
    )
    # Each worker holds one subscriber per open room and fans out to its own connections with
    # bounded queues, so the plugin's own backlog is left unbounded (the room drains it at once).
    return ChannelsPlugin(backend=backend, arbitrary_channels_allowed=True)
