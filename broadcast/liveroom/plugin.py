"""Channels for the live room: Redis pub/sub across workers when Redis is configured, memory in
one process otherwise. Channel names carry the namespace themselves, because the pub/sub backend
publishes to the channel name as given.

On Redis the backend is our supervised one (`fanout.py`), not Litestar's, whose subscriber task
dies for good on the first lost connection."""

from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary

from litestar.channels import ChannelsPlugin
from litestar.channels.backends.base import ChannelsBackend
from litestar.channels.backends.memory import MemoryChannelsBackend

from broadcast.liveroom.fanout import FanoutStatus, SupervisedPubSubBackend

# The plugin is looked up by its exact type (Litestar's plugin registry), so it is not
# subclassed: its fan-out status is kept beside it here.
_STATUS: WeakKeyDictionary[ChannelsPlugin, FanoutStatus] = WeakKeyDictionary()


def channels_plugin(namespace: str, redis: Any) -> ChannelsPlugin:
    status = FanoutStatus()
    backend: ChannelsBackend = SupervisedPubSubBackend(redis, status) if redis is not None else MemoryChannelsBackend()
    # Each worker holds one subscriber per open room and fans out to its own connections with
    # bounded queues, so the plugin's own backlog is left unbounded (the room drains it at once).
    plugin = ChannelsPlugin(backend=backend, arbitrary_channels_allowed=True)
    if redis is None:
        status.mark_up()  # in-process: nothing to lose
    _STATUS[plugin] = status
    return plugin


def fanout_status(plugin: ChannelsPlugin) -> FanoutStatus:
    status = _STATUS.get(plugin)
    if status is None:  # a plugin built elsewhere (tests): in-process, always up
        status = _STATUS[plugin] = FanoutStatus()
        status.mark_up()
    return status
