"""Background tasks never die silently: a failure is logged with its traceback and the task restarted
(or, for one-shot work, reported as down); shutdown logs a task that had failed. Through a real relay:
``tests/relay/test_faults.py::test_a_failing_queue_tick_is_logged_and_the_loop_goes_on``."""

from __future__ import annotations

import asyncio
import logging

import pytest

from relay.runtime.supervision import stop_all, supervised


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
