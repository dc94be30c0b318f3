"""Shared test set-up.

Every test runs with the network disabled: a socket guard fails any connection attempt to an address
outside the loopback range (the relay's own test servers and redis-server on 127.0.0.1 are allowed).
Engines must never touch the network at run time; this guard makes that a test failure. Subprocesses
started by tests get the same guard (``tests/netguard``). Under ``CI=true`` a skip is a failure
(``tests/ci_rules.py``).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import netguard, processes
from tests.ci_rules import (  # noqa: F401  (hooks: skips are errors under CI=true)
    pytest_make_collect_report,
    pytest_report_header,
    pytest_runtest_makereport,
)
from tests.netguard import sitecustomize as guard

NetworkAccessBlocked = guard.NetworkAccessBlocked


def pytest_configure(config: pytest.Config) -> None:
    # every subprocess a test starts (a relay, a peer node, a CLI) runs with the same guard
    os.environ["PYTHONPATH"] = netguard.with_guard_on_path(os.environ.get("PYTHONPATH"))
    os.environ[netguard.ENV_FLAG] = "1"


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(socket.socket, "connect", guard.guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guard.guarded_connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", guard.guarded_getaddrinfo)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    yield


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(binary).exists():
        pytest.skip("redis-server is not installed (Debian: apt install redis-server)")
    port = _free_port()
    workdir = tmp_path_factory.mktemp("redis")
    log = workdir / "redis.log"
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(workdir)], stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.skip("redis-server did not start")
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        processes.stop(proc, f"redis-server on port {port}", log, dump_stacks=False)
