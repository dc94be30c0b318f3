"""Queue test fixtures: a fake clock, a private redis-server, and a factory for either backend."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from relay.escalation.queue.backend import InProcessQueue, ModelBackend
from relay.escalation.queue.config import QueueConfig
from relay.escalation.queue.events import Notification
from relay.escalation.queue.model import QueueModel
from relay.escalation.queue.redis_backend import RedisQueue


class FakeClock:
    def __init__(self, start: float = 1_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def model() -> QueueModel:
    return QueueModel(QueueConfig(offer_timeout_s=20, max_wait_s=300, reconnect_grace_s=30,
                                  heartbeat_timeout_s=600, wrap_up_s=15, default_handle_time_s=120))


@pytest.fixture
def hb_model() -> QueueModel:
    """Heartbeats due every 60 s."""
    return QueueModel(QueueConfig(offer_timeout_s=20, max_wait_s=300, reconnect_grace_s=30,
                                  heartbeat_timeout_s=60, wrap_up_s=15))


def queue_config(**overrides: object) -> QueueConfig:
    base = dict(offer_timeout_s=20.0, max_wait_s=300.0, reconnect_grace_s=30.0, heartbeat_timeout_s=600.0,
                wrap_up_s=15.0)
    base.update(overrides)
    return QueueConfig(**base)  # type: ignore[arg-type]


MakeQueue = Callable[..., Awaitable[ModelBackend]]


def _queue_factory(kind: str, url: str, tmp_path: Path, clock: FakeClock, made: list[ModelBackend]) -> MakeQueue:
    prefix = f"test-{uuid.uuid4().hex}"

    async def make(node_id: str = "node-a", **overrides: object) -> ModelBackend:
        config = queue_config(**overrides)
        queue: ModelBackend
        if kind == "memory":
            queue = InProcessQueue(config, tmp_path / "relay.sqlite3", node_id=node_id, clock=clock)
        else:
            config.redis_url, config.redis_prefix = url, prefix
            queue = RedisQueue(config, node_id=node_id, clock=clock)
        await queue.start()
        made.append(queue)
        return queue

    make.kind = kind  # type: ignore[attr-defined]
    return make


@pytest.fixture(params=["memory", "redis"])
async def make_queue(request: pytest.FixtureRequest, tmp_path: Path,
                     clock: FakeClock) -> AsyncIterator[MakeQueue]:
    """``await make_queue(node_id="node-a", **config)``: a started backend; a second call on the same test
    is another node (Redis) or a restart on the same SQLite file (memory, after closing the first)."""
    kind = request.param
    url = request.getfixturevalue("redis_url") if kind == "redis" else ""
    made: list[ModelBackend] = []
    yield _queue_factory(kind, url, tmp_path, clock, made)
    for queue in made:
        await queue.close()


@pytest.fixture
async def make_redis_queue(redis_url: str, tmp_path: Path, clock: FakeClock) -> AsyncIterator[MakeQueue]:
    """Like ``make_queue`` on Redis only: for several nodes, which the in-process backend cannot have
    (not a parametrised case that would always skip on the memory backend)."""
    made: list[ModelBackend] = []
    yield _queue_factory("redis", redis_url, tmp_path, clock, made)
    for queue in made:
        await queue.close()


class Inbox:
    """Collects the notifications one node receives."""

    def __init__(self, queue: ModelBackend) -> None:
        self.items: list[Notification] = []
        self._arrived = asyncio.Event()
        self._task = asyncio.create_task(self._collect(queue))

    async def _collect(self, queue: ModelBackend) -> None:
        async for note in queue.notifications():
            self.items.append(note)
            self._arrived.set()

    async def wait_for(self, cls: type, **fields: object) -> Notification:
        """The first matching notification; fails the test (not a timing check) if none comes in 5 s."""
        async def find() -> Notification:
            while True:
                for note in self.items:
                    if isinstance(note, cls) and all(getattr(note, k) == v for k, v in fields.items()):
                        return note
                self._arrived.clear()
                await self._arrived.wait()

        return await asyncio.wait_for(find(), timeout=5)

    async def close(self) -> None:
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


@pytest.fixture
async def inboxes() -> AsyncIterator[Callable[[ModelBackend], Awaitable[Inbox]]]:
    opened: list[Inbox] = []

    async def open_inbox(queue: ModelBackend) -> Inbox:
        inbox = Inbox(queue)
        await asyncio.sleep(0)  # let the iterator register before the first transition
        opened.append(inbox)
        return inbox

    yield open_inbox
    for inbox in opened:
        await inbox.close()
