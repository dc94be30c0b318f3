"""The queue shared by several relay nodes through Redis.

The whole queue (a few kB: waiting sessions, operators with their heartbeats, running totals) is one
JSON value. Each transition is WATCH key → GET → the same ``QueueModel`` transition in Python →
MULTI SET + PUBLISH → EXEC, retried if another node changed the queue meanwhile. So transitions are
atomic across nodes and the semantics are exactly those of the in-process backend; operator presence
is the heartbeat stored in that state (``heartbeat_timeout_s`` applies to operators on dead nodes too).

Notifications are published on one channel per node (``{prefix}:node:{id}``) and a broadcast channel
(``{prefix}:node:*``), inside the same transaction. Session events use ``{prefix}:session:{id}``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager, suppress
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.exceptions import WatchError

from relay.escalation.queue.backend import Clock, Fanout, ModelBackend, SessionSubscription, Transition
from relay.escalation.queue.config import QueueConfig
from relay.escalation.queue.events import (
    ALL_NODES,
    Notification,
    QueueSnapshot,
    QueueUnavailable,
    notification_from_dict,
    notification_to_dict,
)
from relay.escalation.queue.model import QueueModel
from relay.escalation.queue.stats import ServiceStats
from relay.runtime.supervision import stop_all, supervised

MAX_RETRIES = 100
logger = logging.getLogger(__name__)


class RedisQueue(ModelBackend):
    def __init__(self, config: QueueConfig | None = None, node_id: str = "local", clock: Clock = time.time,
                 client: aioredis.Redis | None = None) -> None:
        self.config = config or QueueConfig()
        self.node_id, self._clock = node_id, clock
        self._redis = client or aioredis.Redis.from_url(self.config.redis_url)
        prefix = self.config.redis_prefix
        self._state_key = f"{prefix}:state"
        self._node_channel = f"{prefix}:node:"
        self._session_channel = f"{prefix}:session:"
        self._fanout = Fanout()
        self._pubsub: Any = None
        self._reader: asyncio.Task[None] | None = None
        self._sessions: dict[bytes, set[asyncio.Queue[bytes]]] = {}
        self._subscribed: dict[bytes, asyncio.Event] = {}
        self.retries = 0  # optimistic-lock conflicts, for the benchmark

    async def start(self) -> None:
        self._pubsub = self._redis.pubsub()
        channels = [self._node_channel + self.node_id, self._node_channel + ALL_NODES]
        for channel in channels:
            self._subscribed[channel.encode()] = asyncio.Event()
        await self._pubsub.subscribe(*channels)
        # supervised: a notification that cannot be read must not silently stop this node hearing the queue
        self._reader = supervised(f"queue-pubsub-{self.node_id}", self._read)
        for channel in channels:
            await self._subscribed[channel.encode()].wait()

    async def close(self) -> None:
        if self._reader is not None:  # bounded: a Redis command may lose the cancellation (stop_all)
            await stop_all([self._reader])
        if self._pubsub is not None:
            await self._pubsub.aclose()
        await self._redis.aclose()

    # ---- transitions --------------------------------------------------------------------------
    async def _load(self, client: Any) -> QueueModel:
        raw = await client.get(self._state_key)
        return QueueModel.from_dict(self.config, json.loads(raw)) if raw else QueueModel(self.config)

    async def _apply(self, transition: Transition, always_write: bool = False) -> list[Notification]:
        with _reachable():
            return await self._apply_once(transition, always_write)

    async def _apply_once(self, transition: Transition, always_write: bool) -> list[Notification]:
        async with self._redis.pipeline(transaction=True) as pipe:
            for _ in range(MAX_RETRIES):
                try:
                    await pipe.watch(self._state_key)
                    model = await self._load(pipe)
                    notes = transition(model, self._clock())  # an error leaves Redis untouched
                    if not notes and not always_write:
                        await pipe.unwatch()  # type: ignore[no-untyped-call]  # redis-py leaves it untyped
                        return []
                    pipe.multi()  # type: ignore[no-untyped-call]
                    pipe.set(self._state_key, json.dumps(model.to_dict()))
                    for note in notes:
                        self._publish_in(pipe, note)
                    await pipe.execute()
                    return notes
                except WatchError:
                    self.retries += 1  # another node changed the queue first: redo on its result
        raise RuntimeError(f"queue transition gave up after {MAX_RETRIES} conflicting writes")

    def _publish_in(self, pipe: Any, note: Notification) -> None:
        payload = json.dumps(notification_to_dict(note))
        for node in dict.fromkeys(note.nodes):
            pipe.publish(self._node_channel + node, payload)

    async def snapshot(self) -> QueueSnapshot:
        with _reachable():
            return (await self._load(self._redis)).snapshot(self._clock())

    async def stats(self) -> ServiceStats:
        with _reachable():
            return (await self._load(self._redis)).stats(self._clock())

    async def clear(self) -> None:
        """Forget the whole queue (tests, benchmark)."""
        await self._redis.delete(self._state_key)

    # ---- delivery -----------------------------------------------------------------------------
    def notifications(self) -> AsyncIterator[Notification]:
        return self._fanout.iterate()

    async def _read(self) -> None:
        while True:
            try:
                message = await self._pubsub.get_message(ignore_subscribe_messages=False, timeout=1.0)
            except (RedisConnectionError, OSError) as exc:  # redis-py re-subscribes when it reconnects
                logger.warning("queue pub/sub of node %s lost its connection: %s", self.node_id, exc)
                await asyncio.sleep(1.0)
                continue
            if message is not None:
                self._dispatch(message)

    def _dispatch(self, message: dict[str, Any]) -> None:
        channel: bytes = message["channel"]
        if message["type"] == "subscribe":
            event = self._subscribed.get(channel)
            if event is not None:
                event.set()
        elif message["type"] != "message":
            return
        elif channel.startswith(self._session_channel.encode()):
            for queue in self._sessions.get(channel, ()):
                queue.put_nowait(message["data"])
        else:
            self._fanout.deliver(notification_from_dict(json.loads(message["data"])))

    async def publish_session_event(self, session_id: str, payload: bytes | str) -> None:
        await self._redis.publish(self._session_channel + session_id, payload)

    def subscribe_session(self, session_id: str) -> SessionSubscription:
        channel = (self._session_channel + session_id).encode()

        async def add(queue: asyncio.Queue[bytes]) -> None:
            first = channel not in self._sessions
            self._sessions.setdefault(channel, set()).add(queue)
            if first:
                self._subscribed[channel] = asyncio.Event()
                try:
                    await self._pubsub.subscribe(channel)
                except BaseException:  # Redis is away: forget it all, so the next try subscribes afresh
                    self._sessions.pop(channel, None)
                    self._subscribed.pop(channel, None)
                    raise
            await self._subscribed[channel].wait()

        async def remove(queue: asyncio.Queue[bytes]) -> None:
            queues = self._sessions.get(channel, set())
            queues.discard(queue)
            if not queues and channel in self._sessions:
                del self._sessions[channel]
                self._subscribed.pop(channel, None)
                with suppress(RedisConnectionError, RedisTimeoutError, OSError):  # gone with the connection
                    await self._pubsub.unsubscribe(channel)

        return SessionSubscription(add, remove)


@contextmanager
def _reachable() -> Iterator[None]:
    """Redis being away is ``QueueUnavailable`` (a ``QueueError`` with a stable code), not a crash."""
    try:
        yield
    except (RedisConnectionError, RedisTimeoutError, OSError) as exc:
        raise QueueUnavailable(f"the queue (Redis) cannot be reached: {exc}") from exc
