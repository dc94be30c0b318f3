"""The queue as the relay uses it: one async API, two backends with the same semantics.

``QueueBackend`` is what the relay calls. Each transition applies ``relay.escalation.queue.model.QueueModel`` at
the backend's clock, raises ``QueueError`` subclasses (``InvalidTransition`` ...) unchanged, and
returns the notifications it produced. The same notifications are delivered, to the node(s) they are
addressed to, through ``notifications()``: send websocket messages from that stream only (with several
nodes a transition made on node A may concern a counter on node B).

``publish_session_event`` / ``subscribe_session`` carry a session's events to an operator connected to
another node (Redis pub/sub; in-process a local fan-out).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import suppress
from pathlib import Path
from typing import Protocol

from relay.escalation.queue.config import QueueConfig
from relay.escalation.queue.events import Notification, QueueSnapshot
from relay.escalation.queue.model import QueueModel
from relay.escalation.queue.stats import ServiceStats
from relay.storage.queue_state import QueueStateFile

Clock = Callable[[], float]
Transition = Callable[[QueueModel, float], list[Notification]]


class QueueBackend(Protocol):
    node_id: str

    async def start(self) -> None: ...
    async def close(self) -> None: ...
    # counter side
    async def enqueue(self, session_id: str, lang: str, *, priority: int = 0,
                      reason: str = "button", counter: str = "") -> list[Notification]: ...
    async def cancel(self, session_id: str) -> list[Notification]: ...
    async def session_closed(self, session_id: str) -> list[Notification]: ...
    async def counter_disconnected(self, session_id: str) -> list[Notification]: ...
    async def counter_reconnected(self, session_id: str) -> list[Notification]: ...
    # operator side
    async def sign_in(self, operator_id: str, languages: list[str], *,
                      available: bool = True) -> list[Notification]: ...
    async def sign_out(self, operator_id: str) -> list[Notification]: ...
    async def heartbeat(self, operator_id: str) -> list[Notification]: ...
    async def set_operator_state(self, operator_id: str, state: str, *,
                                 languages: list[str] | None = None) -> list[Notification]: ...
    async def set_language(self, session_id: str, lang: str) -> list[Notification]: ...
    async def accept(self, operator_id: str, session_id: str) -> list[Notification]: ...
    async def decline(self, operator_id: str, session_id: str) -> list[Notification]: ...
    async def release(self, operator_id: str, session_id: str, *, close: bool = False) -> list[Notification]: ...
    async def transfer(self, operator_id: str, session_id: str, to_operator_id: str) -> list[Notification]: ...
    async def operator_disconnected(self, operator_id: str) -> list[Notification]: ...
    async def operator_reconnected(self, operator_id: str) -> list[Notification]: ...
    # time and views
    async def tick(self) -> list[Notification]: ...
    async def run_ticks(self, interval_s: float = 1.0) -> None:
        """``tick`` every ``interval_s`` seconds, forever (a supervised task)."""
    async def snapshot(self) -> QueueSnapshot: ...
    async def stats(self) -> ServiceStats: ...
    def notifications(self) -> AsyncIterator[Notification]: ...
    # cross-node session events
    async def publish_session_event(self, session_id: str, payload: bytes | str) -> None: ...
    def subscribe_session(self, session_id: str) -> SessionSubscription: ...


class Fanout:
    """Local delivery to every open iterator (one ``asyncio.Queue`` each; unbounded, consumers are ours)."""

    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[Notification]] = set()

    def deliver(self, note: Notification) -> None:
        for queue in self._queues:
            queue.put_nowait(note)

    async def iterate(self) -> AsyncIterator[Notification]:
        queue: asyncio.Queue[Notification] = asyncio.Queue()
        self._queues.add(queue)
        try:
            while True:
                yield await queue.get()
        finally:
            self._queues.discard(queue)


class SessionSubscription:
    """``async with backend.subscribe_session(sid) as sub: async for payload in sub: ...`` (bytes).
    Events published after ``__aenter__`` returns are received, on any node."""

    def __init__(self, subscribe: Callable[[asyncio.Queue[bytes]], object],
                 unsubscribe: Callable[[asyncio.Queue[bytes]], object]) -> None:
        self._queue: asyncio.Queue[bytes] = asyncio.Queue()
        self._subscribe, self._unsubscribe = subscribe, unsubscribe

    async def __aenter__(self) -> SessionSubscription:
        ready = self._subscribe(self._queue)
        if asyncio.iscoroutine(ready):
            await ready
        return self

    async def __aexit__(self, *exc: object) -> None:
        done = self._unsubscribe(self._queue)
        if asyncio.iscoroutine(done):
            await done

    async def get(self) -> bytes:
        return await self._queue.get()

    def __aiter__(self) -> SessionSubscription:
        return self

    async def __anext__(self) -> bytes:
        return await self._queue.get()


class ModelBackend:
    """Every transition of ``QueueBackend`` written once over ``_apply``; backends supply ``_apply``."""

    node_id: str
    config: QueueConfig

    async def _apply(self, transition: Transition, always_write: bool = False) -> list[Notification]:
        raise NotImplementedError

    async def start(self) -> None:
        raise NotImplementedError

    async def close(self) -> None:
        raise NotImplementedError

    async def snapshot(self) -> QueueSnapshot:
        raise NotImplementedError

    async def stats(self) -> ServiceStats:
        raise NotImplementedError

    def notifications(self) -> AsyncIterator[Notification]:
        raise NotImplementedError

    async def publish_session_event(self, session_id: str, payload: bytes | str) -> None:
        raise NotImplementedError

    def subscribe_session(self, session_id: str) -> SessionSubscription:
        raise NotImplementedError

    async def enqueue(self, session_id: str, lang: str, *, priority: int = 0,
                      reason: str = "button", counter: str = "") -> list[Notification]:
        return await self._apply(lambda m, now: m.enqueue(session_id, lang, priority, reason, self.node_id, now,
                                                          counter))

    async def cancel(self, session_id: str) -> list[Notification]:
        return await self._apply(lambda m, now: m.cancel(session_id, now))

    async def session_closed(self, session_id: str) -> list[Notification]:
        return await self._apply(lambda m, now: m.session_closed(session_id, now))

    async def counter_disconnected(self, session_id: str) -> list[Notification]:
        return await self._apply(lambda m, now: m.counter_disconnected(session_id, now), always_write=True)

    async def counter_reconnected(self, session_id: str) -> list[Notification]:
        return await self._apply(lambda m, now: m.counter_reconnected(session_id, self.node_id, now),
                                 always_write=True)

    async def sign_in(self, operator_id: str, languages: list[str], *,
                      available: bool = True) -> list[Notification]:
        return await self._apply(lambda m, now: m.sign_in(operator_id, languages, self.node_id, now, available))

    async def sign_out(self, operator_id: str) -> list[Notification]:
        return await self._apply(lambda m, now: m.sign_out(operator_id, now))

    async def heartbeat(self, operator_id: str) -> list[Notification]:
        return await self._apply(lambda m, now: m.heartbeat(operator_id, now), always_write=True)

    async def set_operator_state(self, operator_id: str, state: str, *,
                                 languages: list[str] | None = None) -> list[Notification]:
        return await self._apply(lambda m, now: m.set_operator_state(operator_id, state, now, languages))

    async def set_language(self, session_id: str, lang: str) -> list[Notification]:
        return await self._apply(lambda m, now: m.set_language(session_id, lang, now))

    async def accept(self, operator_id: str, session_id: str) -> list[Notification]:
        return await self._apply(lambda m, now: m.accept(operator_id, session_id, now))

    async def decline(self, operator_id: str, session_id: str) -> list[Notification]:
        return await self._apply(lambda m, now: m.decline(operator_id, session_id, now))

    async def release(self, operator_id: str, session_id: str, *, close: bool = False) -> list[Notification]:
        return await self._apply(lambda m, now: m.release(operator_id, session_id, now, close))

    async def transfer(self, operator_id: str, session_id: str, to_operator_id: str) -> list[Notification]:
        return await self._apply(lambda m, now: m.transfer(operator_id, session_id, to_operator_id, now))

    async def operator_disconnected(self, operator_id: str) -> list[Notification]:
        return await self._apply(lambda m, now: m.operator_disconnected(operator_id, now), always_write=True)

    async def operator_reconnected(self, operator_id: str) -> list[Notification]:
        return await self._apply(lambda m, now: m.operator_reconnected(operator_id, self.node_id, now),
                                 always_write=True)

    async def tick(self) -> list[Notification]:
        return await self._apply(lambda m, now: m.tick(now))

    async def run_ticks(self, interval_s: float = 1.0) -> None:
        """Apply timeouts forever (run as a task; every node may run one, transitions are atomic)."""
        while True:
            await self.tick()
            await asyncio.sleep(interval_s)


class InProcessQueue(ModelBackend):
    """One node: the model in memory, saved after every change to a table of the SQLite file ``path``
    (``None``: memory only). A new instance on the same file continues where the old one stopped."""

    def __init__(self, config: QueueConfig | None = None, path: str | Path | None = None,
                 node_id: str = "local", clock: Clock = time.time) -> None:
        self.config = config or QueueConfig()
        self.node_id, self._clock = node_id, clock
        self._file = QueueStateFile(path) if path is not None else None
        saved = self._file.load() if self._file is not None else None
        self.model = QueueModel(self.config) if saved is None else QueueModel.from_dict(self.config, saved)
        self._fanout = Fanout()
        self._sessions: dict[str, set[asyncio.Queue[bytes]]] = {}

    def _save(self) -> None:
        if self._file is not None:
            self._file.save(self.model.to_dict(), self._clock())

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    async def _apply(self, transition: Transition, always_write: bool = False) -> list[Notification]:
        notes = transition(self.model, self._clock())  # raises before any change is saved
        if notes or always_write:
            self._save()
        for note in notes:
            if note.addressed_to(self.node_id):
                self._fanout.deliver(note)
        return notes

    async def snapshot(self) -> QueueSnapshot:
        return self.model.snapshot(self._clock())

    async def stats(self) -> ServiceStats:
        return self.model.stats(self._clock())

    def notifications(self) -> AsyncIterator[Notification]:
        return self._fanout.iterate()

    async def publish_session_event(self, session_id: str, payload: bytes | str) -> None:
        data = payload.encode() if isinstance(payload, str) else payload
        for queue in self._sessions.get(session_id, ()):
            queue.put_nowait(data)

    def subscribe_session(self, session_id: str) -> SessionSubscription:
        def add(queue: asyncio.Queue[bytes]) -> None:
            self._sessions.setdefault(session_id, set()).add(queue)

        def remove(queue: asyncio.Queue[bytes]) -> None:
            with suppress(KeyError):
                self._sessions[session_id].discard(queue)
                if not self._sessions[session_id]:
                    del self._sessions[session_id]

        return SessionSubscription(add, remove)
