"""Background tasks never die silently: a failure is logged with its traceback and the task restarted
(or, for one-shot work, reported as down); shutdown logs a task that had failed. Through a real relay:
``tests/relay/test_faults.py::test_a_failing_queue_tick_is_logged_and_the_loop_goes_on``."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import pytest

from relay.runtime.supervision import stop_all, supervised
from tests.relay.conftest import MakeRelay


def _failures(caplog: pytest.LogCaptureFixture, task: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if getattr(r, "task", None) == task and r.exc_info]


async def test_one_shot_work_that_fails_is_reported_down_not_retried(caplog: pytest.LogCaptureFixture) -> None:
    runs = 0

    async def presynthesis() -> None:
        nonlocal runs
        runs += 1
        raise RuntimeError("voice file corrupt")

    task = supervised("presynthesis", presynthesis, restart=False)
    await asyncio.wait_for(task, 5)
    assert runs == 1
    [record] = _failures(caplog, "presynthesis")
    assert record.levelno == logging.CRITICAL and "stays down" in record.getMessage()


async def test_a_loop_that_keeps_failing_keeps_being_restarted(caplog: pytest.LogCaptureFixture) -> None:
    runs = 0
    third = asyncio.Event()

    async def purge() -> None:
        nonlocal runs
        runs += 1
        if runs == 3:
            third.set()
            await asyncio.Event().wait()  # healthy from now on
        raise OSError("disk I/O error")

    task = supervised("purge", purge, backoff_s=0.01)
    await asyncio.wait_for(third.wait(), 5)
    await stop_all([task])
    assert task.cancelled()
    assert len(_failures(caplog, "purge")) == 2


async def test_shutdown_logs_a_task_that_had_failed(caplog: pytest.LogCaptureFixture) -> None:
    async def broken() -> None:
        raise ValueError("a bug in a loop")

    async def forever() -> None:
        await asyncio.Event().wait()

    failed, running = asyncio.create_task(broken(), name="broken"), asyncio.create_task(forever(), name="ok")
    await asyncio.sleep(0)
    await stop_all([failed, running])
    assert running.cancelled()
    [record] = _failures(caplog, "broken")
    assert record.levelno == logging.ERROR and "a bug in a loop" in caplog.text


def _loop_losing_cancellations(lost: int, given_up: asyncio.Event | None = None) -> Callable[[], Awaitable[None]]:
    """A loop whose first ``lost`` cancellations never reach it, as when Python 3.11's ``asyncio.wait_for``
    (inside every Redis command) returns a result that arrived with the cancellation (CPython gh-86296)."""

    async def loop() -> None:
        missed = 0
        while given_up is None or not given_up.is_set():
            try:
                await asyncio.sleep(0.01)
            except asyncio.CancelledError:
                missed += 1
                if missed > lost:
                    raise
    return loop


async def test_shutdown_stops_a_loop_that_lost_its_first_cancellation(caplog: pytest.LogCaptureFixture) -> None:
    task = asyncio.create_task(_loop_losing_cancellations(1)(), name="queue-ticks")
    await asyncio.sleep(0)
    async with asyncio.timeout(10):  # once: awaited for good, a hang until the test run's limit
        await stop_all([task])
    assert task.cancelled()
    assert "did not stop" not in caplog.text


async def test_shutdown_gives_up_on_a_task_that_will_not_stop_and_says_where(
        caplog: pytest.LogCaptureFixture) -> None:
    given_up = asyncio.Event()
    task = asyncio.create_task(_loop_losing_cancellations(10**9, given_up)(), name="stubborn")
    await asyncio.sleep(0)
    async with asyncio.timeout(10):
        await stop_all([task], timeout_s=0.3)
    assert not task.done(), "left running, not awaited for good"
    [record] = [r for r in caplog.records if getattr(r, "task", None) == "stubborn"]
    assert record.levelno == logging.ERROR and "did not stop" in record.getMessage()
    assert "sleep" in record.at, "where it was stuck"
    given_up.set()
    await task


async def test_a_relay_shuts_down_when_a_background_loop_lost_its_cancellation(make_relay: MakeRelay) -> None:
    """What ``madoguchi serve`` does on SIGTERM (the app's shutdown and clean-up) ends, and stops the loop."""
    relay = await make_relay()
    loop = asyncio.create_task(_loop_losing_cancellations(1)(), name="purge")
    relay.ctx.background.append(loop)
    async with asyncio.timeout(30):
        await relay.client.close()
    assert loop.cancelled()
