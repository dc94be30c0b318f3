"""Background tasks that never die silently.

``supervised(name, run)`` starts ``run()`` as a task. When it raises, the traceback is logged at ERROR,
``madoguchi_background_failures_total{task}`` counts it, and the task starts again after a back-off
(doubling up to ``max_backoff_s``, reset once a run has lasted a minute). With ``restart=False`` a
failure is logged at CRITICAL instead and the task stays down — for one-shot work whose retry would do
harm. Cancelling the returned task stops it for good (shutdown); ``stop_all`` does that for a list of
tasks and logs any that had ended with an error instead of swallowing it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

log = logging.getLogger("madoguchi.supervision")

STABLE_AFTER_S = 60.0


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


async def stop_all(tasks: Iterable[asyncio.Task[Any]]) -> None:
    """Cancel the tasks and wait for them all. A task that had ended with an error (not a cancellation) is
    logged with its traceback: shutdown hides nothing."""
    tasks = list(tasks)
    for task in tasks:
        task.cancel()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    for task, result in zip(tasks, results, strict=True):
        if isinstance(result, Exception):
            log.error("task had failed", exc_info=result, extra={"task": task.get_name()})
