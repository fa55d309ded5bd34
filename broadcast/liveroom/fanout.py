"""The room fan-out's Redis subscriber, supervised: it outlives Redis restarts.

Litestar's `RedisChannelsPubSubBackend.stream_events` raises the first `ConnectionError` out of
`ChannelsPlugin._sub_worker`, whose task then ends for good: the worker stays up, every room
socket stays open, and no event reaches them again. This backend is the Channels port with a
loop around the read that never ends (but for cancellation):

- any failure of the subscriber's connection marks the fan-out down and sends every subscribed
  channel a `FANOUT_DOWN` marker, then it reconnects with capped exponential backoff + jitter
  (so the workers of a fleet do not all knock at once on a Redis that has just come back);
- on reconnecting it subscribes again to every channel wanted *now* (rooms opened or closed
  meanwhile included) and only then sends each a `FANOUT_UP` marker, so a room that reloads
  its state on the marker has the subscription in place first (nothing slips between).

The markers travel through the plugin's own per-channel queues, in order with the events, so a
room handles them in its one consuming task with no lock. Events published while the
subscription was down are not delivered (Redis pub/sub keeps nothing): the room's reload covers
them. The subscriber has its own small connection pool with redis-py's retries off, so this loop
alone decides when to reconnect and always knows there was a gap."""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable
from typing import Any, Protocol

import structlog
from litestar.channels.backends.base import ChannelsBackend
from redis.asyncio import ConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError

log = structlog.get_logger("liveroom")

# Markers a room's subscriber receives in its event stream; never valid JSON, so never an event.
FANOUT_DOWN = b"\x00fanout:down"
FANOUT_UP = b"\x00fanout:up"
READ_TIMEOUT_S = 1.0
PING_AFTER_S = 10.0  # quiet this long: PING
PONG_WITHIN_S = 5.0  # and no answer this long after: the connection is lost
CLOSE_TIMEOUT_S = 1.0
CONNECT_TIMEOUT_S = 5.0


class PubSub(Protocol):
    """The part of redis-py's asyncio `PubSub` this backend uses (a fake in unit tests)."""

    async def connect(self) -> None: ...

    async def subscribe(self, *channels: str) -> Any: ...

    def unsubscribe(self, *channels: str) -> Awaitable[Any]: ...

    async def get_message(self, ignore_subscribe_messages: bool = False, timeout: float | None = 0.0) -> Any: ...  # noqa: ASYNC109 (redis-py's signature)

    async def aclose(self) -> None: ...

    def ping(self) -> Awaitable[Any]: ...


class Backoff:
    """Capped exponential delays with "equal jitter": each delay is between half and all of
    min(cap, base * 2**attempt), never zero, and spread so workers do not reconnect in step."""

    def __init__(self, base_s: float = 0.05, cap_s: float = 1.0, rng: Callable[[], float] = random.random) -> None:
        self.base_s, self.cap_s, self.rng = base_s, cap_s, rng
        self.attempt = 0

    def next(self) -> float:
        ceiling = min(self.cap_s, self.base_s * 2**self.attempt)
        self.attempt += 1
        return float(ceiling / 2 + self.rng() * ceiling / 2)

    def reset(self) -> None:
        self.attempt = 0


class FanoutStatus:
    """Whether this worker's room subscription is live: for /healthz, and for logs."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.connected = False
        self.down_since: float | None = None  # set from the first failure until reconnected
        self.reason = "connecting"
        self.outages = 0

    def mark_down(self, reason: str) -> bool:
        """Record a failure; True if the fan-out was up until now (a new outage)."""
        self.reason = reason
        was_up, self.connected = self.connected, False
        if self.down_since is None:
            self.down_since = self.clock()
            self.outages += 1
        return was_up

    def mark_up(self) -> bool:
        """Record a (re)connection; True if it ends an outage (rooms then reload)."""
        ended = self.down_since is not None
        self.connected, self.down_since, self.reason = True, None, ""
        return ended

    def describe(self) -> str:
        if self.connected:
            return "ok"
        if self.down_since is None:
            return f"degraded: {self.reason}"
        down_s = self.clock() - self.down_since
        return f"degraded: room subscriber reconnecting to Redis for {down_s:.1f}s ({self.reason})"


def subscriber_pool(redis: Redis) -> Redis:
    """A client of the same server with its own pool and redis-py's retries off: the supervisor
    below reconnects, and must see every drop (a silent reconnect inside redis-py would hide the
    gap from the rooms)."""
    kwargs = {**redis.connection_pool.connection_kwargs, "retry": Retry(NoBackoff(), 0)}
    pool = ConnectionPool(connection_class=redis.connection_pool.connection_class, max_connections=4, **kwargs)
    return Redis(connection_pool=pool)


class SupervisedPubSubBackend(ChannelsBackend):
    def __init__(
        self,
        redis: Redis,
        status: FanoutStatus | None = None,
        backoff: Backoff | None = None,
        pubsub_factory: Callable[[], PubSub] | None = None,
        sleep: Callable[[float], Any] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._redis = redis
        self._subscriber: Redis | None = None
        self._factory = pubsub_factory
        self.status = status or FanoutStatus()
        self.backoff = backoff or Backoff()
        self._sleep = sleep
        self._clock = clock
        self.wanted: set[str] = set()  # every channel some room of this worker listens to
        self._pubsub: PubSub | None = None  # set only while connected and subscribed

    def _new_pubsub(self) -> PubSub:
        if self._factory is not None:
            return self._factory()
        if self._subscriber is None:
            self._subscriber = subscriber_pool(self._redis)
        pubsub: PubSub = self._subscriber.pubsub()
        return pubsub

    async def on_startup(self) -> None:
        """Connect once now, so a worker that starts with Redis up reports an "ok" fan-out from
        its first request; if Redis is away, the reading loop keeps trying."""
        try:
            await self._connect()
            self.status.mark_up()
        except Exception as exc:
            self.status.mark_down(f"{type(exc).__name__}: {exc}"[:200])

    async def on_shutdown(self) -> None:
        await self._discard()
        if self._subscriber is not None:
            with contextlib.suppress(Exception):
                await self._subscriber.aclose(close_connection_pool=True)

    async def publish(self, data: bytes, channels: Iterable[str]) -> None:
        for channel in set(channels):
            await self._redis.publish(channel, data)

    async def subscribe(self, channels: Iterable[str]) -> None:
        """Never raises: a channel wanted while Redis is away is subscribed on reconnecting.
        (If this raised, the plugin would keep the subscriber registered yet never ask again.)"""
        new = set(channels)
        self.wanted |= new
        await self._send(self._pubsub, "subscribe", new)

    async def unsubscribe(self, channels: Iterable[str]) -> None:
        gone = set(channels)
        self.wanted -= gone
        await self._send(self._pubsub, "unsubscribe", gone)

    async def _send(self, pubsub: PubSub | None, command: str, channels: set[str]) -> None:
        if pubsub is None or not channels:
            return
        try:
            await getattr(pubsub, command)(*channels)
        except Exception as exc:  # the reading loop sees the same failure and reconnects
            log.warning("room fan-out command failed", command=command, error=repr(exc))

    async def get_history(self, channel: str, limit: int | None = None) -> list[bytes]:
        raise NotImplementedError("pub/sub keeps no history: the room store does")

    async def stream_events(self) -> AsyncGenerator[tuple[str, bytes], None]:
        """Events of the wanted channels, for ever: reconnects and resubscribes after any failure."""
        while True:
            pubsub = self._pubsub  # connected by `on_startup`, else None
            if pubsub is None:
                try:
                    pubsub = await self._connect()
                except Exception as exc:
                    async for marker in self._went_down(exc):
                        yield marker
                    continue
            if self.status.mark_up():
                log.warning("room fan-out restored", outages=self.status.outages)
                for channel in sorted(self.wanted):
                    yield channel, FANOUT_UP
            try:
                async for event in self._read(pubsub):
                    yield event
            except Exception as exc:
                async for marker in self._went_down(exc):
                    yield marker

    async def _connect(self) -> PubSub:
        pubsub = self._new_pubsub()
        try:
            async with asyncio.timeout(CONNECT_TIMEOUT_S):  # an unanswered SYN must not stall us
                await pubsub.connect()
                self._pubsub = pubsub  # from here `subscribe` sends its own SUBSCRIBE too (a repeat is harmless)
                if self.wanted:
                    await pubsub.subscribe(*self.wanted)
        except BaseException:
            await self._discard(pubsub)
            raise
        return pubsub

    async def _read(self, pubsub: PubSub) -> AsyncGenerator[tuple[str, bytes], None]:
        """Messages of wanted channels. A connection that goes quiet is asked for a PONG, and one
        that does not answer counts as lost: a peer that vanished without closing the TCP
        connection (a partition, a dead host) would otherwise leave us listening for ever."""
        heard, pinged = self._clock(), False
        while True:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=READ_TIMEOUT_S)
            self.backoff.reset()  # only once a read worked: a connection that drops at once backs off
            now = self._clock()
            if message is None:
                if now - heard > PING_AFTER_S + PONG_WITHIN_S:
                    raise RedisConnectionError(f"no answer from Redis for {now - heard:.0f}s")
                if not pinged and now - heard > PING_AFTER_S:
                    await pubsub.ping()
                    pinged = True
                continue
            heard, pinged = now, False
            if message.get("type") != "message":
                continue
            channel = message["channel"]
            channel = channel.decode() if isinstance(channel, bytes) else channel
            if channel in self.wanted:  # an unsubscribe is not instant: drop late events
                yield channel, message["data"]

    async def _went_down(self, exc: BaseException) -> AsyncGenerator[tuple[str, bytes], None]:
        """Mark the outage, tell every room once, then wait before the next attempt."""
        await self._discard()
        if self.status.mark_down(f"{type(exc).__name__}: {exc}"[:200]):
            log.warning("room fan-out lost its Redis subscription", error=repr(exc))
            for channel in sorted(self.wanted):
                yield channel, FANOUT_DOWN
        await self._sleep(self.backoff.next())

    async def _discard(self, pubsub: PubSub | None = None) -> None:
        pubsub = pubsub or self._pubsub
        if pubsub is self._pubsub:
            self._pubsub = None
        if pubsub is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(pubsub.aclose(), CLOSE_TIMEOUT_S)
