"""What the message handlers (``handlers`` and the modules it dispatches to) need of a connection, as a Protocol.

``relay.ws.connection.Connection`` is the one implementation; it imports the handlers to call them, so
the handlers name it only through this Protocol (no import cycle, and a handler can be tested with any
object that has these members).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Protocol

from aiohttp import web

from relay.context import LiveConnection, RelayContext
from relay.turns.streams import RecognitionStream
from relay.wire.protocol import ProtocolError
from relay.ws.audio_input import AudioRateLimiter

Turn = Callable[[], Awaitable[None]]


class Client(LiveConnection, Protocol):
    ctx: RelayContext
    request: web.Request
    operator_serving: str | None  # an operator's session when it said hello
    welcome_seq: int  # last_seq told in welcome: the client sees every event after it
    audio: RecognitionStream | None
    turns: asyncio.Queue[Turn]

    def report(self, exc: ProtocolError, ref: str | None = None) -> None:
        """Answer a client mistake with ``error`` (closing the socket when the error says so)."""

    def queue_turn(self, job: Turn) -> None:
        """Queue a turn on the connection's turn worker (``rate_limited`` when too many wait)."""

    def start_audio(self, stream: RecognitionStream, speaker: str, limiter: AudioRateLimiter,
                    sample_rate: int) -> None: ...

    async def stop_audio(self) -> None: ...
