"""The test servers' teardown never kills a process silently (tests/processes.py): one that ignores
SIGTERM is named, with the stacks it was waiting in and the end of its log; and a relay node of the
topology test that does not stop cleanly (status 0) on SIGTERM fails the test."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest

from tests import processes
from tests.remote.test_topology import Node, stop_nodes

# a server that ignores SIGTERM while it waits somewhere named (what the teardown must show)
IGNORES_SIGTERM = """
import signal, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
def waiting_for_a_lock_forever():
    print("ready", flush=True)
    time.sleep(3600)
waiting_for_a_lock_forever()
"""
# a relay that stops on SIGTERM, but with a status that says something went wrong
STOPS_WITH_STATUS_70 = """
import signal, sys, time
signal.signal(signal.SIGTERM, lambda *_: sys.exit(70))
print("task did not stop; left running", flush=True)
time.sleep(3600)
"""


def _start(tmp_path: Path, script: str, name: str) -> tuple[subprocess.Popen[bytes], Path]:
    log = tmp_path / f"{name}.log"
    with log.open("ab") as out:
        proc = subprocess.Popen([sys.executable, "-c", script], stdout=out, stderr=subprocess.STDOUT,
                                env={**os.environ, **processes.STACKS_ON_ABORT})
    for _ in range(300):  # its signal handler is in place once it has said something
        if log.read_bytes():
            return proc, log
        time.sleep(0.05)
    proc.kill()
    raise AssertionError(f"{name} did not start")


def test_a_server_that_ignores_sigterm_is_named_with_what_it_was_doing(tmp_path: Path) -> None:
    proc, log = _start(tmp_path, IGNORES_SIGTERM, "stubborn")
    with pytest.warns(processes.ServerDidNotStop) as caught:
        processes.stop(proc, "stubborn-server on port 1234", log, timeout_s=0.5)
    assert proc.returncode is not None, "stopped for good"
    message = str(caught[0].message)
    assert message.startswith("stubborn-server on port 1234") and "did not stop" in message
    assert "waiting_for_a_lock_forever" in message, "the stack it was waiting in"


def test_a_server_that_stops_is_stopped_without_a_word(tmp_path: Path) -> None:
    proc, log = _start(tmp_path, "import time; print('ready', flush=True); time.sleep(3600)", "polite")
    with warnings.catch_warnings():
        warnings.simplefilter("error", processes.ServerDidNotStop)
        processes.stop(proc, "polite-server", log)
    assert proc.returncode is not None


def test_a_relay_node_that_does_not_stop_cleanly_fails_the_topology_test(tmp_path: Path) -> None:
    proc, log = _start(tmp_path, STOPS_WITH_STATUS_70, "relay-a")
    node = Node("relay-a", 0, tmp_path / "relay-a.toml", tmp_path / "relay-a.sqlite3", log, proc)
    [problem] = stop_nodes([node])
    assert problem.startswith("relay-a exited with status 70 after SIGTERM")
    assert "task did not stop; left running" in problem, "the end of its log"
