"""A real relay on a loopback port, real websocket clients, fake engines."""

from __future__ import annotations

import asyncio
import json
from asyncio.subprocess import Process
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import WSMsgType
from aiohttp.test_utils import TestClient

from pipelines.base import Engines
from relay.app import create_app
from relay.context import CONTEXT, RelayContext
from relay.settings import load_settings
from tests.fakes import fake_engines

PROCESS_EXIT_S = 30.0  # a killed process is reaped in milliseconds; a teardown never waits for good


class WsClient:
    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.seen: list[dict[str, Any]] = []
        self.binary: list[bytes] = []
        self.closed_with: int | None = None  # the code in the relay's close frame

    async def send(self, **message: Any) -> None:
        await self.ws.send_str(json.dumps(message, ensure_ascii=False))

    async def send_raw(self, data: str | bytes) -> None:
        if isinstance(data, bytes):
            await self.ws.send_bytes(data)
        else:
            await self.ws.send_str(data)

    async def recv(self, wait_s: float = 10.0) -> dict[str, Any] | None:
        """The next text message (binary frames are collected in ``binary``); None when closed."""
        while True:
            msg = await self.ws.receive(timeout=wait_s)
            if msg.type == WSMsgType.BINARY:
                self.binary.append(msg.data)
                continue
            if msg.type == WSMsgType.CLOSE:
                self.closed_with = int(msg.data)
            if msg.type != WSMsgType.TEXT:
                return None
            body = json.loads(msg.data)
            self.seen.append(body)
            return body

    async def expect(self, type_: str, wait_s: float = 10.0, **fields: Any) -> dict[str, Any]:
        """Skip to the next message of this type (and these field values)."""
        while True:
            body = await self.recv(wait_s)
            if body is None:
                raise AssertionError(f"connection closed ({self.ws.close_code}) while waiting for {type_}")
            if body["type"] == type_ and all(body.get(k) == v for k, v in fields.items()):
                return body

    async def close(self) -> None:
        await self.ws.close()

    @property
    def close_code(self) -> int | None:
        return self.closed_with if self.closed_with is not None else self.ws.close_code


@dataclass
class Relay:
    client: TestClient
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def ctx(self) -> RelayContext:
        return self.client.app[CONTEXT]

    def auth(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    async def create_session(self, resident_lang: str = "vi", mode: str = "translation", **extra: Any) -> dict[str, Any]:
        resp = await self.client.post("/api/sessions", headers=self.auth("clerk"),
                                      json={"counter": "市民課 1番", "resident_lang": resident_lang, "mode": mode, **extra})
        assert resp.status == 201, await resp.text()
        return await resp.json()

    async def connect(self, role: str, token: str, session_id: str | None = None,
                      resume_after: int | None = None, expect_welcome: bool = True, **hello: Any) -> WsClient:
        ws = WsClient(await self.client.ws_connect("/ws"))
        body: dict[str, Any] = {"type": "hello", "protocol": 1, "role": role, "token": token, **hello}
        if session_id is not None:
            body["session_id"] = session_id
        if resume_after is not None:
            body["resume_after"] = resume_after
        await ws.send(**body)
        if expect_welcome:
            await ws.expect("welcome")
        return ws

    async def counter(self, session: dict[str, Any], **kw: Any) -> WsClient:
        return await self.connect("counter", self.tokens["clerk"], session["session_id"], **kw)

    async def resident(self, session: dict[str, Any], **kw: Any) -> WsClient:
        return await self.connect("resident", session["resident_token"], session["session_id"], **kw)


MakeRelay = Callable[..., Awaitable[Relay]]


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "relay.sqlite3"


@pytest.fixture
def make_relay(aiohttp_client: Any, store_path: Path) -> MakeRelay:
    """Start a relay (again, on the same store, to test restarts)."""
    tokens: dict[str, str] = {}

    async def start(engines: Engines | None = None, **overrides: Any) -> Relay:
        sections = {"store": {"path": str(store_path)}, "relay": {"hello_timeout_s": 5.0}}
        for name, values in overrides.items():
            sections.setdefault(name, {}).update(values)
        settings = load_settings(env={}, overrides=sections)
        app = create_app(settings, engines or fake_engines())
        client = await aiohttp_client(app)
        relay = Relay(client, tokens)
        if not tokens:
            for role in ("clerk", "operator", "admin"):
                _, tokens[role] = await relay.ctx.auth.add_token(role, f"test {role}")
        return relay

    return start


@pytest.fixture
async def relay(make_relay: MakeRelay) -> Relay:
    return await make_relay()


@pytest.fixture
async def node_processes() -> AsyncIterator[list[Process]]:
    """Relay processes a test starts (``tests.relay.peers``): killed, if still running, when it ends."""
    procs: list[Process] = []
    yield procs
    for proc in procs:
        if proc.returncode is None:
            proc.kill()
        # bounded: on Python 3.11 wait() also waits for the end of the process's stdout pipe
        async with asyncio.timeout(PROCESS_EXIT_S):
            await proc.wait()


def pcm_silence(seconds: float, rate: int = 16000) -> bytes:
    return b"\x00\x00" * int(seconds * rate)


async def drain(ws: WsClient, seconds: float = 0.3) -> None:
    """Read what arrives within a short while (to settle before asserting the absence of something)."""
    try:
        while await ws.recv(wait_s=seconds) is not None:
            pass
    except TimeoutError:
        pass
