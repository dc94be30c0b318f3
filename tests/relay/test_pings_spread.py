"""The relay's websocket pings (``relay.heartbeat_s``) come each socket's own interval after its last
traffic, as ``madoguchi serve`` runs the server (relay.runtime.serving.server_kwargs): aiohttp's own
default rounds them up to the whole second, so at 1,000 sessions about a hundred sockets were pinged in
one turn of the event loop, once a second, and every message arriving then waited behind the burst."""

from __future__ import annotations

import asyncio
import itertools
import time
from pathlib import Path
from typing import Any

from aiohttp import WSMsgType
from aiohttp.test_utils import TestServer

from relay.app import create_app
from relay.runtime.serving import server_kwargs
from relay.settings import load_settings
from tests.fakes import fake_engines

HEARTBEAT_S = 6.0  # aiohttp rounds only timers longer than 5 s


async def _first_ping_at(client: Any, delay: float) -> float:
    """Open a websocket after ``delay`` seconds, stay silent, and return when the relay's first ping arrives."""
    await asyncio.sleep(delay)
    ws = await client.ws_connect("/ws", autoping=False)
    try:
        msg = await ws.receive(timeout=HEARTBEAT_S + 4)
        assert msg.type == WSMsgType.PING, msg
        return time.monotonic()
    finally:
        await ws.close()


async def test_sockets_opened_at_different_moments_are_pinged_at_different_moments(aiohttp_client: Any,
                                                                                   tmp_path: Path) -> None:
    settings = load_settings(env={}, overrides={"store": {"path": str(tmp_path / "relay.sqlite3")},
                                                "relay": {"heartbeat_s": HEARTBEAT_S, "hello_timeout_s": 60.0}})
    server = TestServer(create_app(settings, fake_engines()))
    await server.start_server(**server_kwargs())  # as madoguchi serve runs it
    client = await aiohttp_client(server)
    # four sockets a quarter of a second apart: rounded up to the whole second, at least two of the four
    # pings would leave in the same instant (four moments within one second fall into at most two seconds)
    pinged = sorted(await asyncio.gather(*(_first_ping_at(client, 0.25 * i) for i in range(4))))
    gaps = [later - earlier for earlier, later in itertools.pairwise(pinged)]
    assert min(gaps) > 0.1, f"pings {gaps} s apart: sockets that talked at different moments pinged together"
