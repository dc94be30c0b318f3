"""`madoguchi serve` holds more websockets than the open-file limit it was started with (Debian's
default soft limit is 1,024; 1,000 sessions are 2,000 sockets): it lifts its soft limit to the hard one,
and says so when even the hard limit is too low for ``relay.max_sessions``. Once its engines are loaded,
their objects are frozen out of garbage collection, so a full collection does not stop every session."""

from __future__ import annotations

import asyncio
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

INHERITED_LIMIT = 256  # the soft limit the relay is started with in these tests
SOCKETS = 400  # more than INHERITED_LIMIT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_relay(tmp_path: Path, port: int, soft: int, hard: int, **env: str) -> subprocess.Popen[str]:
    config = tmp_path / "madoguchi.toml"
    config.write_text(f'[store]\npath = "{tmp_path / "db.sqlite3"}"\n[models]\ndir = "{tmp_path / "models"}"\n'
                      '[relay]\nmax_sessions = 300\nhello_timeout_s = 120.0\n', encoding="utf-8")
    server = subprocess.Popen(
        [sys.executable, "-m", "relay.cli", "serve", "--config", str(config), "--port", str(port)],
        stderr=subprocess.PIPE, text=True, env={**os.environ, **env},
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard)))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).close()
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise AssertionError(f"the relay did not start: {server.communicate()[1][-2000:]}")


@pytest.fixture
def stop() -> Iterator[list[subprocess.Popen[str]]]:
    servers: list[subprocess.Popen[str]] = []
    yield servers
    for server in servers:
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
            server.communicate(timeout=30)


async def open_websockets(port: int, count: int) -> int:
    """Open ``count`` websockets at once (tablets reconnecting after a restart); how many the relay took."""
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        async def connect() -> aiohttp.ClientWebSocketResponse | None:
            try:
                return await http.ws_connect(f"http://127.0.0.1:{port}/ws", timeout=aiohttp.ClientWSTimeout(ws_close=5),
                                             autoping=True, max_msg_size=0)
            except (aiohttp.ClientError, OSError):
                return None

        async with asyncio.timeout(60):
            sockets = await asyncio.gather(*(asyncio.wait_for(connect(), 20) for _ in range(count)),
                                           return_exceptions=True)
        opened = [ws for ws in sockets if isinstance(ws, aiohttp.ClientWebSocketResponse) and not ws.closed]
        async with http.get(f"http://127.0.0.1:{port}/healthz", timeout=aiohttp.ClientTimeout(total=20)) as resp:
            assert resp.status == 200, "the relay still answers with every socket open"
        await asyncio.gather(*(ws.close() for ws in opened))
        return len(opened)


def test_the_relay_holds_more_sockets_than_the_limit_it_inherited(tmp_path: Path,
                                                                  stop: list[subprocess.Popen[str]]) -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 4 * SOCKETS:
        pytest.fail(f"this machine's hard open-file limit ({hard}) is below what the test needs")
    port = free_port()
    stop.append(start_relay(tmp_path, port, INHERITED_LIMIT, hard))
    assert asyncio.run(open_websockets(port, SOCKETS)) == SOCKETS


def test_a_hard_limit_too_low_for_max_sessions_is_logged(tmp_path: Path, stop: list[subprocess.Popen[str]]) -> None:
    server = start_relay(tmp_path, free_port(), INHERITED_LIMIT, INHERITED_LIMIT)
    server.send_signal(signal.SIGTERM)
    _, err = server.communicate(timeout=30)
    assert "open-file limit too low for relay.max_sessions" in err
    assert "LimitNOFILE" in err, "the log says what to change"


def test_the_start_up_heap_is_frozen_after_the_engines_are_loaded(tmp_path: Path) -> None:
    server = start_relay(tmp_path, free_port(), INHERITED_LIMIT, resource.getrlimit(resource.RLIMIT_NOFILE)[1],
                         MADOGUCHI_LOGGING_FORMAT="json")
    server.send_signal(signal.SIGTERM)
    _, err = server.communicate(timeout=30)
    events = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    names = [e["event"] for e in events]
    frozen = names.index("start-up heap frozen out of garbage collection")
    assert events[frozen]["objects"] > 10_000, "the libraries' objects are out of the collector's way"
    assert frozen > max(i for i, name in enumerate(names) if name == "engine"), "after the engines are loaded"


async def hold_websockets(port: int, count: int, seconds: float) -> None:
    async with aiohttp.ClientSession() as http:
        sockets = [await http.ws_connect(f"http://127.0.0.1:{port}/ws") for _ in range(count)]
        await asyncio.sleep(seconds)
        await asyncio.gather(*(ws.close() for ws in sockets))


def test_serve_reclaims_what_closed_connections_left_once_nobody_is_connected(tmp_path: Path) -> None:
    port = free_port()
    server = start_relay(tmp_path, port, INHERITED_LIMIT, resource.getrlimit(resource.RLIMIT_NOFILE)[1],
                         MADOGUCHI_LOGGING_FORMAT="json", MADOGUCHI_RELAY_GC_FREEZE_S="0.2")
    lines: list[str] = []
    reclaimed = threading.Event()

    def read_log() -> None:
        assert server.stderr is not None
        for line in server.stderr:
            lines.append(line)
            if '"full garbage collection"' in line:
                reclaimed.set()

    reader = threading.Thread(target=read_log, daemon=True)
    reader.start()
    try:
        asyncio.run(hold_websockets(port, 20, 1.0))  # frozen meanwhile, then all closed
        assert reclaimed.wait(60), "no full collection after the last client had gone"
        time.sleep(1.0)  # five more ticks of 0.2 s, nobody connected: none of them may collect again
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        reader.join(30)
    events = [json.loads(line) for line in lines if line.startswith("{")]
    reclaims = [e for e in events if e["event"] == "full garbage collection"]
    assert len(reclaims) == 1, "one full collection once the last client had gone, not one per tick"
    assert reclaims[0]["frozen"] > 10_000, "and what is left is frozen again"
