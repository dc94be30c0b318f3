"""Redis restarted under load: while it is away a counter's request gets a clear, non-fatal error and no
socket closes; once it is back the queue and its pub/sub (offers to operators) work again by themselves."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import processes
from tests.conftest import _free_port
from tests.relay.conftest import MakeRelay, WsClient
from tests.relay.test_escalation import _operator

pytestmark = pytest.mark.redis


class RedisServer:
    """A redis-server of this test alone (the session's shared one must not be restarted)."""

    def __init__(self, workdir: Path) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        if not Path(binary).exists():
            if os.environ.get("CI") == "true":
                raise RuntimeError("redis-server is not installed")
            pytest.skip("redis-server is not installed (Debian: apt install redis-server)")
        self.binary, self.workdir, self.port = binary, workdir, _free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        # appendonly: the queue survives the restart, as it would in a deployment
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes",
                 "--appendfsync", "always", "--dir", str(self.workdir)], stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)

    @property
    def log(self) -> Path:
        return self.workdir / f"redis-{self.port}.log"

    def stop(self) -> None:
        processes.stop(self.proc, f"redis-server on port {self.port}", self.log, dump_stacks=False)
        self.proc = None


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


async def test_queue_and_pubsub_recover_after_a_redis_restart(make_relay: MakeRelay, own_redis: RedisServer) -> None:
    relay = await make_relay(queue={"backend": "redis", "redis_url": own_redis.url,
                                    "redis_prefix": f"t:{uuid.uuid4().hex[:6]}", "offer_timeout_s": 30.0,
                                    "max_wait_s": 120.0},
                             relay={"escalations_per_minute": 0})  # the test retries while Redis starts
    first, second = await relay.create_session("en"), await relay.create_session("en")
    counter_a, counter_b = await relay.counter(first), await relay.counter(second)
    operator = await _operator(relay)
    await counter_a.send(type="escalate")
    await operator.expect("escalation", state="offered", session_id=first["session_id"])

    await asyncio.to_thread(own_redis.stop)  # Redis goes away mid-morning
    await counter_b.send(type="escalate")
    error = await counter_b.expect("error", wait_s=40)
    assert (error["code"], error["fatal"]) == ("queue_unavailable", False)
    await counter_b.send(type="text", speaker="clerk", text="少々お待ちください")  # the AI goes on
    await counter_b.expect("translation", kind="translation")

    await asyncio.to_thread(own_redis.start)  # and comes back: nobody restarts the relay
    for _ in range(15):  # each try that still finds Redis away costs at most a few seconds
        await counter_b.send(type="escalate")
        if await _queued_or_error(counter_b):
            break
        await asyncio.sleep(0.2)
    else:
        raise AssertionError("the queue never worked again after Redis came back")
    # pub/sub too: the operator is offered the second session (after declining the first it still has)
    await operator.send(type="decline", session_id=first["session_id"])
    offer = await operator.expect("escalation", state="offered", session_id=second["session_id"], wait_s=20)
    assert offer["lang"] == "en"
    assert counter_a.close_code is None and counter_b.close_code is None and operator.close_code is None


async def _queued_or_error(ws: WsClient) -> bool:
    """True when the answer to ``escalate`` is ``queued``, False when it is an error."""
    while True:
        body = await ws.recv()
        assert body is not None
        if body["type"] == "error":
            return False
        if body["type"] == "escalation" and body["state"] == "queued":
            return True
