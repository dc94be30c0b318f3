"""Batching of blocking model calls made by many threads at once (one per session's decode).

A model on a CPU or a GPU does more work per second on a batch than on the same requests one by one:
the matrices are larger, the weights are read once per step for the whole batch. ``Gatherer`` lets
threads that each hold one request (a session's decode, an utterance's sentences) meet: the first
request waits up to ``window_s`` for others with the same key (beam size …) to join it, then one of the
waiting threads — the leader — runs the whole batch and hands every thread its own result. While
``max_running`` batches already run, requests simply gather, so under load the batches grow by
themselves and at light load a request waits at most the window. What has gathered is shared among the
idle workers (two requests and two idle workers make two batches of one): a batch saves work, but on a
CPU it is one runnable thread where separate calls were several.

No thread of its own: the callers' threads do the work, so nothing is left running when they stop.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

R = TypeVar("R")
T = TypeVar("T")


@dataclass
class _Slot(Generic[R, T]):
    request: R
    key: Hashable
    arrived: float
    done: bool = False
    result: T | None = None
    error: BaseException | None = None


class Gatherer(Generic[R, T]):
    """``submit`` blocks until ``run_batch`` has run on a batch holding the request; thread-safe."""

    def __init__(self, run_batch: Callable[[Sequence[R]], Sequence[T]], *, window_s: float, max_batch: int,
                 key: Callable[[R], Hashable] = lambda request: None, max_running: int = 1,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if max_batch < 1 or max_running < 1:
            raise ValueError("max_batch and max_running must be at least 1")
        self._run_batch = run_batch
        self._window_s = max(0.0, window_s)
        self._max_batch = max_batch
        self._key = key
        self._max_running = max_running
        self._clock = clock
        self._cond = threading.Condition()
        self._waiting: list[_Slot[R, T]] = []
        self._running = 0
        self.batch_sizes: list[int] = []  # of every batch run, for benchmarks (bounded: last 10,000)

    def submit(self, request: R) -> T:
        slot: _Slot[R, T] = _Slot(request, self._key(request), self._clock())
        with self._cond:
            self._waiting.append(slot)
            self._cond.notify_all()
            while not slot.done:
                batch = self._claim()
                if batch is None:
                    self._cond.wait(self._wait_s())
                    continue
                self._lead(batch)
        if slot.error is not None:
            raise slot.error
        return slot.result  # type: ignore[return-value]  # done without error: the batch set it

    def _claim(self) -> list[_Slot[R, T]] | None:
        """The next batch, when one may run now: a full one, or the oldest request's window is over."""
        if self._running >= self._max_running or not self._waiting:
            return None
        oldest = self._waiting[0]
        same = [s for s in self._waiting if s.key == oldest.key]
        if len(same) < self._max_batch and self._clock() < oldest.arrived + self._window_s:
            return None
        # shared among the idle workers, so that none stays idle while another runs a long batch
        idle = self._max_running - self._running
        batch = same[: min(self._max_batch, -(-len(same) // idle))]
        self._waiting = [s for s in self._waiting if all(s is not b for b in batch)]
        self._running += 1
        return batch

    def _wait_s(self) -> float | None:
        """Until the oldest request's window ends; no timeout while the model is busy (we are told)."""
        if self._running >= self._max_running or not self._waiting:
            return None
        return max(0.0, self._waiting[0].arrived + self._window_s - self._clock())

    def _lead(self, batch: list[_Slot[R, T]]) -> None:
        """Run ``batch`` outside the lock (called, and returning, with the lock held)."""
        results: Sequence[T] = ()
        error: BaseException | None = None
        self._cond.release()
        try:
            results = self._run_batch([s.request for s in batch])
            if len(results) != len(batch):
                raise RuntimeError(f"a batch of {len(batch)} requests gave {len(results)} results")
        except Exception as exc:  # every request of the batch fails the same way, in its own thread
            error = exc
        finally:
            self._cond.acquire()
        for index, slot in enumerate(batch):
            slot.error = error
            slot.result = None if error is not None else results[index]
            slot.done = True
        self._running -= 1
        self.batch_sizes = [*self.batch_sizes[-9999:], len(batch)]
        self._cond.notify_all()
