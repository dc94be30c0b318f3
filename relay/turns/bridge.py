"""The one bridge between the event loop and the synchronous engines.

Every blocking model call goes through the bridge: it runs in a worker thread, at most ``limit(key)``
calls of a model at a time (a count of running calls and a queue of waiting ones per model key), so one
slow model cannot starve the others and a model is never run by more threads than it was sized for. Generators (faster-whisper segments, piper
sentences) are consumed inside the thread, never on the loop.

Each model has threads of its own (a ``ThreadPoolExecutor`` with as many threads as its limit), not the
loop's default executor (cores + 4 threads, 6 on a 2-core node, shared by every model, the glossary API
and start-up): there, the per-model limits (2 decodes + 2 translations + 2 voices + 4 rewrites, times
the batch sizes) added up to more calls than threads, so a translation could wait for a thread that
speech held although its own model had a free slot, and an engine that hung past its timeout kept its
thread, so a few of them stalled every other model. Now a hung model stalls only its own calls (each
fails after ``timeout_s``, with the usual offer of an interpreter).

A call is a future that the worker thread settles itself (one ``call_soon_threadsafe``), started at
once when a slot is free, with no task in between: ``start`` returns it without awaiting, so the turn
pipeline can start a translation while it stores the transcript. From the engine's answer to the
waiting coroutine that is two event-loop hand-overs (the thread's callback, the waiter's wake-up),
where ``asyncio.to_thread`` in a task took four (its future chain, the task's step, the task's end).

Keys given a ``nice`` value (speech synthesis, ``[tts] nice``) get threads whose CPU priority is lowered
once, at their start (``pipelines.priority``): on a busy node the kernel then runs the decodes and
translations that someone is waiting for first.

Work nobody waits for (the phrasebook's speech made ahead, relay.background.presynthesis) goes through
``background``: such a call takes a slot of its model only while no other call of that model runs or
waits, and none has for ``background_quiet_s`` (2 s: the gap between two sentences of a clerk's speech,
each its own call, is no pause), one at a time. Made ahead through the same slots as live speech, with
the waiting calls served in order, each sentence of a live utterance had waited for a phrase in the one
slot, or shared the cores with one in the other: on a loaded 2-core node the warming took 545 s and a
live call passed 30 s. Live speech now waits for the one phrase already running at most.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import math
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

from pipelines.base import EngineError
from pipelines.priority import lower_this_thread

P = ParamSpec("P")
T = TypeVar("T")

_DONE = object()
BACKGROUND_QUIET_S = 2.0  # a model's background calls wait until it has had no other call for this long


def abandon(call: asyncio.Future[Any]) -> None:
    """A call whose answer nobody will read: stop waiting for it, and read a failure it already had (so
    asyncio does not log it as never retrieved)."""
    if call.done() and not call.cancelled():
        call.exception()
    call.cancel()


class _Call:
    """One engine call: what to run, the future its caller awaits, when it started running."""

    __slots__ = ("background", "call", "future", "holds_slot", "started", "timeout_s", "timer")

    def __init__(self, call: Callable[[], Any], future: asyncio.Future[Any], timeout_s: float,
                 background: bool = False) -> None:
        self.call, self.future, self.timeout_s, self.background = call, future, timeout_s, background
        self.started: float | None = None  # when it took a slot
        self.timer: asyncio.TimerHandle | None = None
        self.holds_slot = False


class Bridge:
    def __init__(self, limits: dict[str, int] | None = None, default_limit: int = 2,
                 timeout_s: float = 0.0, nice: dict[str, int] | None = None,
                 background_quiet_s: float = BACKGROUND_QUIET_S) -> None:
        self._limits = dict(limits or {})
        self._nice = {key: value for key, value in (nice or {}).items() if value > 0}
        self._timeout_s = timeout_s  # 0: wait as long as the engine takes
        self._default_limit = default_limit
        self._executors: dict[str, ThreadPoolExecutor] = {}
        self._waiting: dict[str, deque[_Call]] = {}
        self._queued: dict[str, int] = {}
        self._running: dict[str, int] = {}
        self.busy_seconds: dict[str, float] = {}
        self._background: dict[str, deque[_Call]] = {}  # calls nobody waits for (``background``)
        self._quiet_s = background_quiet_s
        self._last_live: dict[str, float] = {}  # when a call of the key was last asked for or answered
        self._retry: dict[str, asyncio.TimerHandle] = {}

    async def run(self, key: str, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run ``fn(*args, **kwargs)`` in a thread, at most ``limit(key)`` at a time."""
        return await self.start(key, fn, *args, **kwargs)

    async def load(self, key: str, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """As ``run``, with no timeout: loading a model the first time it is needed (a voice with
        ``[tts] preload = false``) takes as long as it takes, and is not the engine being slow."""
        return await self._submit(key, 0.0, functools.partial(fn, *args, **kwargs))

    def start(self, key: str, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> asyncio.Future[T]:
        """As ``run``, but the call is under way (or waiting for a slot) when this returns: await the
        future for its result; cancelling it only stops waiting (a thread cannot be stopped)."""
        return self._submit(key, self._timeout_s, functools.partial(fn, *args, **kwargs))

    def background(self, key: str, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> asyncio.Future[T]:
        """As ``start``, for work nobody waits for: it runs only while the model is otherwise idle (see the
        module's docstring), one such call at a time, in the order asked; with the same timeout."""
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._background.setdefault(key, deque()).append(
            _Call(functools.partial(fn, *args, **kwargs), future, self._timeout_s, background=True))
        self._start_background(key)
        return future

    def _start_background(self, key: str) -> None:
        waiting = self._background.get(key)
        while waiting and waiting[0].future.done():  # its caller stopped waiting
            waiting.popleft()
        if not waiting or self._running.get(key, 0) or self._queued.get(key, 0):
            return  # started again when the model's last call returns
        quiet_for = time.perf_counter() - self._last_live.get(key, -math.inf)
        if quiet_for >= self._quiet_s:
            self._begin(key, waiting.popleft())
        elif key not in self._retry:
            self._retry[key] = asyncio.get_running_loop().call_later(
                self._quiet_s - quiet_for, self._retry_background, key)

    def _retry_background(self, key: str) -> None:
        del self._retry[key]
        self._start_background(key)

    def _submit(self, key: str, timeout_s: float, call: Callable[[], T]) -> asyncio.Future[T]:
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        pending = _Call(call, future, timeout_s)
        self._last_live[key] = time.perf_counter()
        if self._running.get(key, 0) < self.limit(key):
            self._begin(key, pending)
        else:
            self._waiting.setdefault(key, deque()).append(pending)
            self._queued[key] = self._queued.get(key, 0) + 1
            future.add_done_callback(functools.partial(self._left_queue, key, pending))
        return future

    def _begin(self, key: str, pending: _Call) -> None:
        """Take a slot and hand the call to the model's threads (on the loop)."""
        self._running[key] = self._running.get(key, 0) + 1
        pending.started, pending.holds_slot = time.perf_counter(), True
        loop = pending.future.get_loop()
        if pending.timeout_s:
            pending.timer = loop.call_later(pending.timeout_s, self._timed_out, key, pending)
        try:
            self._executor(key).submit(self._work, loop, key, pending)
        except RuntimeError as exc:  # the bridge is closed: the relay is shutting down
            self._settle(key, pending, None, EngineError(f"{key}: {exc}"))

    def _work(self, loop: asyncio.AbstractEventLoop, key: str, pending: _Call) -> None:
        """In the model's thread: run the call and hand its outcome to the loop, in one callback."""
        try:
            outcome, error = pending.call(), None
        except BaseException as exc:  # the caller gets exactly what the engine raised
            outcome, error = None, exc
        with contextlib.suppress(RuntimeError):  # the loop is closed (shutdown): nobody waits any more
            loop.call_soon_threadsafe(self._settle, key, pending, outcome, error)

    def _settle(self, key: str, pending: _Call, outcome: Any, error: BaseException | None) -> None:
        """On the loop, once the thread has returned: free the slot, answer the caller."""
        if pending.timer is not None:
            pending.timer.cancel()
        self._release(key, pending)
        future = pending.future
        if future.done():
            return  # its caller was cancelled, or it timed out: the answer comes too late
        if isinstance(error, StopIteration):  # a future cannot carry it (it would end a coroutine)
            error = RuntimeError(f"{key}: StopIteration from the engine")
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(outcome)

    def _timed_out(self, key: str, pending: _Call) -> None:
        # the thread cannot be stopped and finishes on its own; the utterance is reported as failed (with
        # an offer of an interpreter) and the session goes on. Its slot is freed now (as a cancelled call's
        # is), so the model's next call is not refused for it: it waits for the model's thread instead,
        # and fails after its own timeout if that one hangs too.
        self._release(key, pending)
        if not pending.future.done():
            pending.future.set_exception(EngineError(f"{key} did not answer within {pending.timeout_s:g} s"))

    def _release(self, key: str, pending: _Call) -> None:
        """Free the call's slot (once: at its timeout or when its thread returns, whichever is first) and
        start the calls waiting for one. A cancelled caller's slot stays taken until then: the model is
        still busy with it."""
        if not pending.holds_slot:
            return
        pending.holds_slot = False
        self._running[key] -= 1
        self.busy_seconds[key] = self.busy_seconds.get(key, 0.0) + time.perf_counter() - (pending.started or 0.0)
        if not pending.background:
            self._last_live[key] = time.perf_counter()
        waiting = self._waiting.get(key)
        while waiting and self._running[key] < self.limit(key):
            following = waiting.popleft()
            if not following.future.done():  # a caller cancelled while waiting has left already
                self._queued[key] -= 1
                self._begin(key, following)
        self._start_background(key)

    def _left_queue(self, key: str, pending: _Call, future: asyncio.Future[Any]) -> None:
        if future.cancelled() and pending.started is None:  # cancelled before it had a slot
            self._queued[key] -= 1

    def _executor(self, key: str) -> ThreadPoolExecutor:
        executor = self._executors.get(key)
        if executor is None:
            # speech: threads whose CPU priority is lowered once, at their start (nice 0 leaves it as it is)
            nice = self._nice.get(key, 0)
            executor = ThreadPoolExecutor(
                max_workers=self.limit(key), thread_name_prefix=f"bridge-{key}{'-lowered' if nice else ''}",
                initializer=lower_this_thread, initargs=(nice,))
            self._executors[key] = executor
        return executor

    def close(self) -> None:
        """Let the models' threads end once their calls return (the relay's shutdown; calls asked after
        this fail with ``EngineError``). Calls already handed over still run and answer their callers."""
        for executor in self._executors.values():
            executor.shutdown(wait=False)

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
