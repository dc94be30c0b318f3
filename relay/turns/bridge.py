"""The one bridge between the event loop and the synchronous engines.

Every blocking model call goes through ``Bridge.run``: it runs in a worker thread (``asyncio.to_thread``)
behind a semaphore per model key, so one slow model cannot starve the others and a model is never run by
more threads than it was sized for. Generators (faster-whisper segments, piper sentences) are consumed
inside the thread, never on the loop.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Callable, Iterator
from typing import ParamSpec, TypeVar

from pipelines.base import EngineError

P = ParamSpec("P")
T = TypeVar("T")

_DONE = object()


class Bridge:
    def __init__(self, limits: dict[str, int] | None = None, default_limit: int = 2,
                 timeout_s: float = 0.0) -> None:
        self._limits = dict(limits or {})
        self._timeout_s = timeout_s  # 0: wait as long as the engine takes
        self._default_limit = default_limit
        self._semaphores: dict[str, asyncio.Semaphore] = {}
        self._queued: dict[str, int] = {}
        self._running: dict[str, int] = {}
        self.busy_seconds: dict[str, float] = {}

    def _semaphore(self, key: str) -> asyncio.Semaphore:
        sem = self._semaphores.get(key)
        if sem is None:
            sem = asyncio.Semaphore(self.limit(key))
            self._semaphores[key] = sem
        return sem

    async def run(self, key: str, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run ``fn(*args, **kwargs)`` in a thread, at most ``limit(key)`` at a time."""
        return await self._call(key, self._timeout_s, functools.partial(fn, *args, **kwargs))

    async def load(self, key: str, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """As ``run``, with no timeout: loading a model the first time it is needed (a voice with
        ``[tts] preload = false``) takes as long as it takes, and is not the engine being slow."""
        return await self._call(key, 0.0, functools.partial(fn, *args, **kwargs))

    async def _call(self, key: str, timeout_s: float, call: Callable[[], T]) -> T:
        semaphore = self._semaphore(key)
        self._queued[key] = self._queued.get(key, 0) + 1
        try:
            await semaphore.acquire()
        finally:
            self._queued[key] -= 1
        self._running[key] = self._running.get(key, 0) + 1
        try:
            started = time.perf_counter()
            try:
                async with asyncio.timeout(timeout_s or None):
                    return await asyncio.to_thread(call)
            except TimeoutError:
                # the thread cannot be stopped and finishes on its own; the utterance is reported as
                # failed (with an offer of an interpreter) and the session goes on
                raise EngineError(f"{key} did not answer within {timeout_s:g} s") from None
            finally:
                self.busy_seconds[key] = self.busy_seconds.get(key, 0.0) + time.perf_counter() - started
        finally:
            self._running[key] -= 1
            semaphore.release()

    def waiting(self, key: str) -> int:
        """Calls of ``key`` waiting for a free slot now (readable from a worker thread: a snapshot)."""
        return self._queued.get(key, 0)

    def idle_slots(self, key: str) -> int:
        """Slots of ``key`` that no call holds now (a snapshot, as ``waiting``)."""
        return self.limit(key) - self._running.get(key, 0)

    def limit(self, key: str) -> int:
        return self._limits.get(key, self._default_limit)

    async def next_item(self, key: str, iterator: Iterator[T]) -> T | None:
        """Pull one item of a blocking iterator in a thread; ``None`` when it is exhausted."""
        item = await self.run(key, next, iterator, _DONE)
        return None if item is _DONE else item  # type: ignore[return-value]
