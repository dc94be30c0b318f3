"""A websocket client on the live relay's own loop, for a side of a conversation that a test does not
drive through a page (and to watch what the relay sends)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp

from tests.browser.conftest import LiveRelay


class WsPeer:
    def __init__(self, relay: LiveRelay) -> None:
        self.relay = relay
        self.seen: list[dict[str, Any]] = []
        self._http: aiohttp.ClientSession | None = None
        self._ws: Any = None
        self._reader: asyncio.Task[None] | None = None

    def connect(self, role: str, token: str, session_id: str | None = None) -> WsPeer:
        async def go() -> None:
            self._http = aiohttp.ClientSession()
            self._ws = await self._http.ws_connect(self.relay.url + "/ws")
            hello: dict[str, Any] = {"type": "hello", "protocol": 1, "role": role, "token": token}
            if session_id:
                hello["session_id"] = session_id
            await self._ws.send_json(hello)
            self._reader = asyncio.create_task(self._read())

        self.relay.call(go())
        self.wait_for("welcome")
        return self

    async def _read(self) -> None:
        async for msg in self._ws:
            if msg.type == aiohttp.WSMsgType.TEXT:
                self.seen.append(json.loads(msg.data))

    def send(self, **message: Any) -> None:
        self.relay.call(self._ws.send_json(message))

    def wait_for(self, type_: str, timeout: float = 10.0, **fields: Any) -> dict[str, Any]:
        async def poll() -> dict[str, Any]:
            async with asyncio.timeout(timeout):
                while True:
                    for message in self.seen:
                        if message["type"] == type_ and all(message.get(k) == v for k, v in fields.items()):
                            return message
                    await asyncio.sleep(0.05)

        return dict(self.relay.call(poll(), timeout=timeout + 5))

    def close(self) -> None:
        async def stop() -> None:
            if self._ws is not None:
                await self._ws.close()
            if self._reader is not None:
                await self._reader
            if self._http is not None:
                await self._http.close()

        self.relay.call(stop())
