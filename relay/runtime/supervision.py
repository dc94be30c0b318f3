"""Background tasks that never die silently.

``supervised(name, run)`` starts ``run()`` as a task. When it raises, the traceback is logged at ERROR,
``madoguchi_background_failures_total{task}`` counts it, and the task starts again after a back-off
(doubling up to ``max_backoff_s``, reset once a run has lasted a minute). With ``restart=False`` a
failure is logged at CRITICAL instead and the task stays down — for one-shot work whose retry would do
harm. Cancelling the returned task stops it for good (shutdown); ``stop_all`` does that for a list of
tasks and logs any that had ended with an error instead of swallowing it.

``stop_all`` waits a bounded time and cancels again while it waits: one cancellation can be lost. On
Python 3.11 ``asyncio.wait_for`` returns the inner call's result instead of raising when the cancellation
arrives in the same loop iteration as that result (CPython gh-86296, fixed in 3.12), and the Redis client
sends every command through ``wait_for`` (its default ``socket_timeout``): a queue loop cancelled just as
a command went out carried on, and the shutdown that awaited it never ended (a relay that did not stop on
SIGTERM; a test teardown that hung past its 300 s limit on a busy machine). A task still running at the
deadline is logged with where it is stuck, and left behind: shutdown goes on. ``left_running`` lists
those that have not ended since (``madoguchi_tasks_left_running``); once its clean-up is done,
``madoguchi serve`` gives every task still alive one more bounded ``stop_all`` and, if any is left,
exits with ``EXIT_STUCK`` instead of waiting for it for good (relay.runtime.serving).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, cast

log = logging.getLogger("madoguchi.supervision")

STABLE_AFTER_S = 60.0
STOP_TIMEOUT_S = 5.0  # for all the tasks of one stop_all together
RECANCEL_S = 0.5  # long enough for a task's own clean-up (an unsubscribe, a close) to finish undisturbed
_left_running: set[asyncio.Task[Any]] = set()  # given up on by stop_all; pruned of those that ended since


def left_running() -> list[asyncio.Task[Any]]:
    """The tasks ``stop_all`` gave up on that are still running (in this process)."""
    _left_running.difference_update([task for task in _left_running if task.done()])
    return sorted(_left_running, key=lambda task: task.get_name())


def supervised(name: str, run: Callable[[], Awaitable[Any]], *, restart: bool = True, backoff_s: float = 1.0,
               max_backoff_s: float = 30.0, failures: Any = None) -> asyncio.Task[None]:
    """Run ``run()`` as a named task that logs and restarts on failure. ``failures`` is an optional
    Prometheus counter with a ``task`` label."""
    return asyncio.create_task(_supervise(name, run, restart, backoff_s, max_backoff_s, failures), name=name)


async def _supervise(name: str, run: Callable[[], Awaitable[Any]], restart: bool, backoff_s: float,
                     max_backoff_s: float, failures: Any) -> None:
    delay = backoff_s
    while True:
        started = time.monotonic()
        try:
            await run()
            return  # finished its work
        except asyncio.CancelledError:
            raise
        except Exception:
            if failures is not None:
                failures.labels(name).inc()
            if not restart:
                log.critical("background task failed and stays down", exc_info=True, extra={"task": name})
                return
            log.error("background task failed; restarting", exc_info=True,
                      extra={"task": name, "restart_in_s": delay})
        if time.monotonic() - started > STABLE_AFTER_S:
            delay = backoff_s
        await asyncio.sleep(delay)
        delay = min(max_backoff_s, delay * 2)


async def stop_all(tasks: Iterable[asyncio.Task[Any]], timeout_s: float | None = None) -> None:
    """Cancel the tasks and wait for them all, for at most ``timeout_s``, cancelling again every
    ``RECANCEL_S`` the ones still running (a lost cancellation: see the module docstring). A task that had
    ended with an error (not a cancellation) is logged with its traceback, one that would not stop with
    where it was, and kept in ``left_running``: shutdown hides nothing. ``timeout_s``: ``STOP_TIMEOUT_S``."""
    tasks = list(tasks)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + (STOP_TIMEOUT_S if timeout_s is None else timeout_s)
    pending = {task for task in tasks if not task.done()}
    while pending:
        for task in pending:
            task.cancel()
        left = deadline - loop.time()
        if left <= 0:
            break
        _, pending = await asyncio.wait(pending, timeout=min(RECANCEL_S, left))
    for task in tasks:
        if task in pending:
            _left_running.add(task)
            log.error("task did not stop; left running", extra={"task": task.get_name(), "at": _where(task)})
        elif not task.cancelled() and task.exception() is not None:
            log.error("task had failed", exc_info=task.exception(), extra={"task": task.get_name()})


def _where(task: asyncio.Task[Any]) -> str:
    """Every frame the task waits in, outermost first (``Task.get_stack`` shows only the outermost
    coroutine, the innermost alone is often asyncio's own ``sleep`` or ``wait_for``)."""
    frames, awaited = [], cast(Any, task.get_coro())
    while awaited is not None:
        frame = getattr(awaited, "cr_frame", None) or getattr(awaited, "ag_frame", None)
        if frame is not None:
            frames.append(f"{frame.f_code.co_filename}:{frame.f_lineno} {frame.f_code.co_name}")
        awaited = getattr(awaited, "cr_await", None) or getattr(awaited, "ag_await", None)
    return " > ".join(frames) or "?"
