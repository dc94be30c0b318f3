"""`madoguchi serve` exits after SIGTERM even when one of its tasks will not stop, or one of its threads
is stuck in a call: what is stuck is logged with where it is, the store is closed, and the process exits
with status 70 (systemd shows the unit failed; ``Restart=on-failure`` starts again a relay that stopped
by itself) instead of hanging until systemd kills it. While a relay runs, a task that would not stop is
counted in ``madoguchi_tasks_left_running``."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from relay.runtime.metrics import RelayMetrics
from relay.runtime.supervision import stop_all
from tests.conftest import _free_port

# `madoguchi serve` whose store probe has a bug: its loop swallows every cancellation, or it waits in a
# thread for a call that never returns (an engine stuck in a native call); stop_all's wait is shortened
SERVE_WITH_A_STUCK_PROBE = """
import asyncio, sys, time
from relay.background import housekeeping
from relay.runtime import supervision

async def stubborn_probe(ctx):
    while True:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            pass

def stuck_in_an_engine_call():
    time.sleep(3600)

async def probe_in_a_thread(ctx):
    await asyncio.to_thread(stuck_in_an_engine_call)

housekeeping.probe_store = {probe}
supervision.STOP_TIMEOUT_S = 0.5
from relay.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _wait_healthy(port: int, server: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 120  # generous: start-up took over 30 s with the 2 cores busy
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return
        except OSError:
            assert server.poll() is None, "the relay exited at start-up"
            time.sleep(0.1)
    raise AssertionError("the relay never answered /healthz")


def _serve_then_stop(tmp_path: Path, probe: str, **env: str) -> tuple[int, list[dict[str, Any]]]:
    """Start the relay with the stuck probe, SIGTERM it once it answers; its exit status and log lines.
    ``env``: more settings (the watchdog waits 1 s, ``MADOGUCHI_RELAY_STUCK_THREAD_EXIT_S``)."""
    config = tmp_path / "madoguchi.toml"
    config.write_text(f'[store]\npath = "{tmp_path / "db.sqlite3"}"\n[models]\ndir = "{tmp_path / "models"}"\n')
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-c", SERVE_WITH_A_STUCK_PROBE.format(probe=probe), "serve",
                               "--config", str(config), "--port", str(port)], stderr=subprocess.PIPE, text=True,
                              env={**os.environ, "MADOGUCHI_LOGGING_FORMAT": "json",
                                   "MADOGUCHI_RELAY_STUCK_THREAD_EXIT_S": "1", **env})
    try:
        _wait_healthy(port, server)
        server.send_signal(signal.SIGTERM)
        _, err = server.communicate(timeout=60)  # a relay that hangs fails here (killed below)
    finally:
        if server.poll() is None:
            server.kill()
            server.communicate()
    lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    assert server.returncode == 70, err[-2000:]
    assert any(line["event"] == "store closed" for line in lines), "the store was closed before the exit"
    return server.returncode, lines


def test_a_relay_whose_task_will_not_stop_still_exits_and_says_why(tmp_path: Path) -> None:
    _, lines = _serve_then_stop(tmp_path, "stubborn_probe")
    [stuck] = [line for line in lines if line["event"] == "task did not stop; left running"]
    assert stuck["task"] == "store-probe" and "stubborn_probe" in stuck["at"], "which task, and where"
    [last] = [line for line in lines if line["level"] == "CRITICAL"]
    assert "exiting without them" in last["event"] and last["tasks"] == ["store-probe"]


def test_a_relay_whose_thread_is_stuck_in_a_call_still_exits_and_says_where(tmp_path: Path) -> None:
    _, lines = _serve_then_stop(tmp_path, "probe_in_a_thread")
    [last] = [line for line in lines if line["level"] == "CRITICAL"]
    assert "threads still run" in last["event"]
    assert any("stuck_in_an_engine_call" in at for at in last["threads"].values()), last["threads"]


def test_a_relay_that_waits_for_engines_forever_still_exits_when_a_thread_is_stuck(tmp_path: Path) -> None:
    """relay.engine_timeout_s = 0 (wait for every engine call as long as it takes) once turned the exit's
    watchdog off too: the relay then hung at exit until systemd killed it, without a word."""
    _, lines = _serve_then_stop(tmp_path, "probe_in_a_thread", MADOGUCHI_RELAY_ENGINE_TIMEOUT_S="0")
    [last] = [line for line in lines if line["level"] == "CRITICAL"]
    assert any("stuck_in_an_engine_call" in at for at in last["threads"].values()), last["threads"]


async def test_a_task_that_would_not_stop_is_counted_until_it_ends() -> None:
    metrics = RelayMetrics()
    gone = asyncio.Event()

    async def stubborn() -> None:
        while not gone.is_set():
            with contextlib.suppress(asyncio.CancelledError):  # the bug: every cancellation swallowed
                await asyncio.sleep(0.01)

    def left() -> float | None:
        return metrics.registry.get_sample_value("madoguchi_tasks_left_running")

    task = asyncio.create_task(stubborn(), name="stubborn")
    await asyncio.sleep(0)  # running (a task cancelled before its first step just ends)
    assert left() == 0
    try:
        await stop_all([task], timeout_s=0.2)
        assert left() == 1
    finally:
        gone.set()  # the task ends, also when the test fails (the loop's own teardown would wait for it)
        await task
    assert left() == 0
